# The grader CLI with its sandbox tools. Build from the repository root:
#   docker build -f docker/grader.Dockerfile -t kataserver-grader .
# (docker/grader.Dockerfile.dockerignore keeps bin/, obj/, .git, tests, web and stray files out of the context)
# Run it with the privileges its sandbox needs (user namespaces and cgroups):
#   docker run --rm --privileged -v "$PWD/my-bank.cs:/work/my-bank.cs:ro" kataserver-grader grade deadlock-transfer /work/my-bank.cs
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/KataServer.Cli -c Release -o /app

FROM mcr.microsoft.com/dotnet/sdk:10.0
# The grader compiles with the reference packs of the SDK image; bubblewrap isolates each run.
RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
COPY katas /app/katas
ENV KATA_HOME=/app
ENTRYPOINT ["dotnet", "/app/kata.dll"]
