# A grading-only worker of scaled mode (src/KataServer.Worker): no HTTP; takes grading jobs from PostgreSQL.
# Build from the repository root:  docker build -f docker/worker.Dockerfile -t kataserver-worker .
# It grades only inside the full sandbox (bubblewrap: user, mount, pid and network namespaces; cgroup limits), so the
# container needs the privileges for that: compose.yaml runs it `privileged: true` (see docs/platform.md).
# Exit code 75 = recycle me (a compile ran away); restart it (compose: restart: always).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/KataServer.Worker -c Release -o /app

# Runtime: the SDK image (the grader compiles with its reference packs) plus bubblewrap for the sandbox.
FROM mcr.microsoft.com/dotnet/sdk:10.0
RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
COPY katas /app/katas
ENV KataServer__KatasDirectory=/app/katas \
    KataServer__DataDirectory=/data \
    KataServer__Workers=1
ENTRYPOINT ["dotnet", "/app/KataServer.Worker.dll"]
