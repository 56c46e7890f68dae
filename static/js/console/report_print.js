// The print button above the report (facilitator/web/archive.py serves it): the browser's print
// dialog, which also saves a PDF.
document.getElementById("print-report")?.addEventListener("click", () => window.print());
