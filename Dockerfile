# syntax=docker/dockerfile:1
# OpenClaw server image: one image for every role (OpenClaw__Role=all|api|worker|scheduler).
#   docker build -t openclaw .
#   docker run -p 8080:8080 -v openclaw-data:/var/lib/openclaw openclaw              # single node, embedded SQLite
#   docker run -e OpenClaw__Storage=postgres -e OpenClaw__PostgresConnectionString=... -e OpenClaw__Role=worker openclaw
# See docs/operations.md. Validated in CI by tests/OpenClaw.Deploy.Tests (structure only: CI has no Docker engine).

ARG DOTNET_VERSION=10.0
ARG NODE_VERSION=22

# Node for the web app's npm build, which the server project runs during publish.
FROM node:${NODE_VERSION}-bookworm-slim AS node

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION}-noble AS build
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY src/ src/
# The web app (React, Vite) that the server project builds with npm during publish (web/OpenClaw.Web.targets).
COPY web/ web/
RUN --mount=type=cache,target=/root/.nuget/packages \
    dotnet restore src/OpenClaw.Server/OpenClaw.Server.csproj
RUN --mount=type=cache,target=/root/.nuget/packages --mount=type=cache,target=/root/.npm \
    dotnet publish src/OpenClaw.Server/OpenClaw.Server.csproj -c Release --no-restore -o /app /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}-noble AS runtime
# bubblewrap isolates code steps and third-party plugins (OpenClaw.Sandbox). Inside a container it needs
# unprivileged user namespaces: the host must allow them (user.max_user_namespaces > 0, and on Ubuntu hosts
# kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor profile for bwrap), and the container's seccomp
# profile must allow unshare/clone with CLONE_NEWUSER (Docker: --security-opt seccomp=unconfined or a custom
# profile; Kubernetes: see docs/operations.md "Sandbox in containers"). No extra capabilities (no CAP_SYS_ADMIN) and
# no setuid bwrap are needed. Where that is impossible, sandboxed steps are refused unless
# OpenClaw__Sandbox__AllowWeakIsolation=true (limits and timeouts only; documented as unsafe for untrusted code).
# curl is for the HEALTHCHECK below.
RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
# The data folder (SQLite database, plugin packages, large step outputs); mount a volume here.
RUN mkdir -p /var/lib/openclaw && chown "$APP_UID:$APP_UID" /var/lib/openclaw
# Urls, because appsettings.json sets it (to loopback) and only an unprefixed variable overrides it.
ENV Urls=http://+:8080 \
    OpenClaw__DataDirectory=/var/lib/openclaw \
    Logging__Console__FormatterName=json
VOLUME ["/var/lib/openclaw"]
EXPOSE 8080
# The image's non-root user (uid 1654, "app"); Kubernetes manifests run as the same uid.
USER $APP_UID
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health/live || exit 1
# SIGTERM drains: running steps get 20 s to finish before their leases are returned (docker stop -t 45).
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "OpenClaw.Server.dll"]
