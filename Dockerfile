# syntax=docker/dockerfile:1
# facilitator's container image (docs/deployment.md, "Containers"). The first stage builds the
# wheel and installs it into a virtualenv; the runtime copies only that virtualenv. Every
# dependency is a binary wheel with its libraries inside (PDFium, libjpeg, libuv), so neither
# stage needs a compiler or an apt package, and the runtime has none.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY facilitator facilitator
COPY templates templates
COPY static static
COPY sessions sessions
# --only-binary: a dependency without a wheel for this platform fails here, instead of
# quietly needing a compiler.
RUN pip wheel --no-deps --wheel-dir /wheels . \
 && python -m venv --without-pip /opt/facilitator \
 && pip --python /opt/facilitator/bin/python install --only-binary=:all: /wheels/*.whl

FROM ${PYTHON_IMAGE}
# A fixed uid, so that a bind-mounted data directory can be given to it (chown 10001).
RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin facilitator \
 && mkdir -p /data/sessions \
 && chown -R 10001:10001 /data
COPY --from=build /opt/facilitator /opt/facilitator
ENV PATH=/opt/facilitator/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    FACILITATOR_DATA_DIR=/data \
    FACILITATOR_SESSIONS_DIR=/data/sessions \
    FACILITATOR_PORT=8000
WORKDIR /data
USER 10001:10001
# The secrets, uploaded slides and photos, the documentation of closed sessions, and the
# SQLite database when no database_url is set.
VOLUME /data
EXPOSE 8000
# On SIGTERM uvicorn stops accepting, closes every WebSocket with 1012 ("service restart") and
# finishes the requests under way; phones reconnect (behind the proxy, to another process) and
# resume where they were. Give it the time: docker stop --time 20, stop_grace_period in compose.
STOPSIGNAL SIGTERM
# Python, not curl: the image has no curl. Exit status 0 only for 200 from /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import http.client, os, sys; c = http.client.HTTPConnection('127.0.0.1', int(os.environ.get('FACILITATOR_PORT', '8000')), timeout=4); c.request('GET', '/healthz'); sys.exit(c.getresponse().status != 200)"]
CMD ["facilitator", "serve", "--host", "0.0.0.0"]
