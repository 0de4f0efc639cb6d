# syntax=docker/dockerfile:1
# The image of each Guanjia app, the gateway and the five services, chosen by build arguments:
#   APP              the app's package, which is also its command (`asset-svc`, `guanjia-gateway`)
#   APP_DIR          its folder in the uv workspace (`services/asset-svc`, `gateway`)
#   PORT             the port it serves on (its settings' default)
#   SETTINGS_PREFIX  the prefix of its settings' environment variables (`GUANJIA_ASSET_`)
# and the target: `service` for a service, `gateway` for the gateway (which also serves the
# web console built from web/ at /). docker-compose.yml gives each app's arguments, so
# `docker compose build` builds all six; by hand, from the repository root:
#   docker build --target service --build-arg APP=asset-svc --build-arg APP_DIR=services/asset-svc \
#     --build-arg PORT=8001 --build-arg SETTINGS_PREFIX=GUANJIA_ASSET_ -t guanjia/asset-svc:local .
# The image runs `<APP> serve`, the command `make run` starts the app with; `<APP> migrate`
# brings its database to the newest schema: a one-shot run of the same image.

FROM ghcr.io/astral-sh/uv:0.13.9 AS uv

# The web console: Vite builds web/ into /web/dist (Vite wants Node 20.19 or later). The
# locked packages first, in a layer of their own, as for Python below. Built only for the
# gateway's target (BuildKit builds only the stages a target needs).
FROM node:20-slim AS console
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

# Builder: uv makes /app/.venv holding the app, the workspace packages it needs and their
# locked runtime dependencies (no dev or test ones: no nats-server binary), each installed as
# a wheel (no editable links back to the sources).
FROM python:3.11-slim-trixie AS builder
ARG APP
ARG APP_DIR
RUN test -n "$APP" && test -n "$APP_DIR" \
    || { echo "build with --build-arg APP=<package> --build-arg APP_DIR=<folder> (see the top of this file)" >&2; exit 1; }
COPY --from=uv /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src
# The third-party dependencies first, in a layer of their own: it is rebuilt when the lock or
# a declared dependency changes, not on every change of the code. uv finds the workspace by
# its members' pyproject.toml files (the gateway is a named member; services/* a pattern).
COPY pyproject.toml uv.lock ./
COPY shared/pyproject.toml shared/
COPY gateway/pyproject.toml gateway/
COPY ${APP_DIR}/pyproject.toml ${APP_DIR}/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace --package "$APP"
COPY shared/src shared/src
COPY ${APP_DIR}/src ${APP_DIR}/src
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --package "$APP"

# Runtime: the slim Python image and the virtual environment, nothing else (no uv, no
# compilers, no caches, no sources). The same base as the builder, so the environment's
# interpreter path holds.
FROM python:3.11-slim-trixie AS runtime
ARG APP
ARG PORT
ARG SETTINGS_PREFIX
RUN groupadd --system --gid 10001 guanjia \
    && useradd --system --uid 10001 --gid guanjia --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin guanjia \
    && install -d -o 10001 -g 10001 /app/data
COPY --from=builder /app/.venv /app/.venv
# The app's own settings: bind every interface, its port, its data folder. GUANJIA_IMAGE_*
# name the app for the command and the health check below, which read them when they run.
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    GUANJIA_IMAGE_APP=${APP} \
    GUANJIA_IMAGE_SETTINGS_PREFIX=${SETTINGS_PREFIX} \
    ${SETTINGS_PREFIX}HOST=0.0.0.0 \
    ${SETTINGS_PREFIX}PORT=${PORT} \
    ${SETTINGS_PREFIX}DATA_DIR=/app/data
WORKDIR /app
USER 10001:10001
EXPOSE ${PORT}
# Alive: the process answers on its port (readiness, /readyz, is the orchestrator's to ask).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; port = os.environ[os.environ['GUANJIA_IMAGE_SETTINGS_PREFIX'] + 'PORT']; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % port, timeout=2)"]
# `<APP> serve`, the shell replaced by the app (which is then PID 1 and gets the signals).
CMD ["/bin/sh", "-c", "exec \"$GUANJIA_IMAGE_APP\" serve"]

# The gateway: the runtime and the console's built files, which it serves at /.
FROM runtime AS gateway
COPY --from=console /web/dist /app/console
ENV GUANJIA_GATEWAY_CONSOLE_DIR=/app/console

# A service: the runtime as it is. The last stage, so a build without --target makes this.
FROM runtime AS service
