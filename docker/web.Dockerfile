# The web host (API, web UI, accounts) of scaled mode; it grades nothing itself (KataServer__Workers=0 in compose.yaml).
# Build from the repository root:  docker build -f docker/web.Dockerfile -t kataserver-web .
# Run with compose:                docker compose -f docker/compose.yaml up   (see docs/platform.md, "Running scaled")

# 1. The web UI (web/ -> web/dist).
FROM node:20-bookworm-slim AS ui
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

# 2. The host (the UI is built by stage 1, so MSBuild does not look for npm).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/KataServer.Web -c Release -o /app -p:KataServerSkipWebBuild=true

# 3. Runtime: the SDK image, because the editor's diagnostics compile with Roslyn against its reference packs.
FROM mcr.microsoft.com/dotnet/sdk:10.0
WORKDIR /app
COPY --from=build /app .
COPY katas /app/katas
COPY --from=ui /src/web/dist /app/web/dist
ENV KataServer__KatasDirectory=/app/katas \
    KataServer__DataDirectory=/data \
    KataServer__Workers=0 \
    ASPNETCORE_URLS=http://0.0.0.0:5917
VOLUME /data
EXPOSE 5917
ENTRYPOINT ["dotnet", "/app/KataServer.Web.dll"]
