"""Every text the browser scripts show, translated on the server.

The pages put the dict into ``<script type="application/json" id="strings">``; static/js/dom.js
reads it (``t("idea.add")``). Keys ending in ``.one``/``.other`` are the singular and plural of
one text (German and English need no more forms); ``{name}`` placeholders are filled in by the
script. A key missing here shows up as the bare key on the page.
"""

from __future__ import annotations

from collections.abc import Callable


def js_strings(gettext: Callable[[str], str]) -> dict[str, str]:
    return {
        # connection line (static/js/status.js)
        "status.connecting": gettext("Connecting …"),
        "status.connected": gettext("Connected"),
        "status.reconnecting": gettext("Connection lost, reconnecting …"),
        "status.offline": gettext(
            "Offline: your entries are sent as soon as the connection is back."),
        "status.refused": gettext("Not connected"),
        "connection.refused": gettext(
            "This link is not valid (any more). Please ask the moderation for a new one."),
        "common.cancel": gettext("Cancel"),
        # session
        "session.lobby_title": gettext("Welcome!"),
        "session.lobby_text": gettext(
            "The workshop starts soon. Keep this page open: the next step appears here by itself."),
        "session.closed_title": gettext("The workshop has ended"),
        "session.closed_text": gettext("Thank you for taking part! You can close this page."),
        "session.status.draft": gettext("Draft (not open yet)"),
        "session.status.open": gettext("Lobby open"),
        "session.status.live": gettext("Running"),
        "session.status.closed": gettext("Closed"),
        "participants.count.one": gettext("{n} participant"),
        "participants.count.other": gettext("{n} participants"),
        # activities in general
        "kind.ideas": gettext("Collect ideas"),
        "kind.poll": gettext("Poll"),
        "activity.new": gettext("New: {title}"),
        "activity.closed": gettext("Input is closed for this step."),
        "activity.closed_short": gettext("Input closed"),
        "activity.created": gettext("Activity created."),
        "activity.current": gettext("on screen"),
        "activity.revealed": gettext("results visible"),
        "activity.status.draft": gettext("Draft"),
        "activity.status.active": gettext("Open for input"),
        "activity.status.locked": gettext("Locked"),
        "activity.activate": gettext("Activate"),
        "activity.lock": gettext("Lock"),
        "activity.unlock": gettext("Unlock"),
        "activity.reveal": gettext("Show results"),
        "activity.conceal": gettext("Hide results"),
        # ideas
        "idea.label": gettext("Your idea"),
        "idea.add": gettext("Add idea"),
        "idea.chars_left": gettext("{n} characters left"),
        "idea.empty": gettext("Please write something first."),
        "idea.sending": gettext("Sending …"),
        "idea.sent": gettext("Your idea has arrived."),
        "idea.saved": gettext("Your change has been saved."),
        "idea.withdrawing": gettext("Withdrawing …"),
        "idea.withdrawn_done": gettext("Your idea has been withdrawn."),
        "idea.own.one": gettext("Your idea ({n})"),
        "idea.own.other": gettext("Your ideas ({n})"),
        "idea.text_elsewhere": gettext("(written on another device)"),
        "idea.edit": gettext("Edit"),
        "idea.edit_label": gettext("Edit the idea"),
        "idea.save": gettext("Save"),
        "idea.withdraw": gettext("Withdraw"),
        "idea.withdraw_confirm": gettext("Withdraw this idea? It disappears from the wall."),
        "idea.keep": gettext("Keep it"),
        "idea.wall": gettext("All ideas"),
        "idea.count.one": gettext("{n} idea"),
        "idea.count.other": gettext("{n} ideas"),
        "idea.none_yet": gettext("No ideas yet. Yours could be the first!"),
        "idea.wall_later": gettext("The ideas will be shown later."),
        "idea.hide": gettext("Hide"),
        "idea.restore": gettext("Show again"),
        "idea.hidden": gettext("hidden"),
        "idea.withdrawn": gettext("withdrawn by the author"),
        "idea.edited": gettext("edited"),
        # polls
        "poll.choose_one": gettext("Choose one option"),
        "poll.choose_up_to.one": gettext("Choose up to {n} option"),
        "poll.choose_up_to.other": gettext("Choose up to {n} options"),
        "poll.choose": gettext("Please choose an option first."),
        "poll.vote": gettext("Vote"),
        "poll.change": gettext("Change vote"),
        "poll.sending": gettext("Sending your vote …"),
        "poll.sent": gettext("Your vote has been counted."),
        "poll.your_choice": gettext("Your vote: {choice}"),
        "poll.sending_choice": gettext("Sending your vote: {choice}"),
        "poll.results": gettext("Results"),
        "poll.results_follow": gettext("Results follow"),
        "poll.votes.one": gettext("{n} vote · {percent}"),
        "poll.votes.other": gettext("{n} votes · {percent}"),
        "poll.voters.one": gettext("{n} person voted"),
        "poll.voters.other": gettext("{n} people voted"),
        # presenter
        "presenter.join_now": gettext("Join now"),
        "presenter.lobby": gettext("Scan the QR code or open the link and enter the code."),
        "presenter.thanks": gettext("Thank you for taking part!"),
        "presenter.soon": gettext("Joining opens in a moment."),
    }
