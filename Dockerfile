# The worker's image (and the query program, for one-off tasks such as athena-setup).
#   docker build -t analytics .
#   docker run --read-only -v analytics-scratch:/scratch analytics /app/analytics-ingest.dll worker --lake s3://LAKE/ops/ --firehose-stream NAME
# Docker is not on the development machines: tests/Deploy/ContainerImageTests runs the published output with this
# file's entrypoint, command and health check instead.

# Build: the SDK, both programs published framework-dependent into one folder (they share their libraries).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY schemas/ schemas/
COPY aws/ aws/
COPY common/ common/
COPY ingest/ ingest/
COPY query/ query/
RUN dotnet publish ingest/Analytics.Ingest.csproj -c Release -o /app \
 && dotnet publish query/Analytics.Query.csproj -c Release -o /app \
 && mkdir -p /scratch

# Run: Ubuntu chiseled .NET runtime (no shell, no package manager; ICU and time zones included), as its non-root user.
FROM mcr.microsoft.com/dotnet/runtime:10.0-noble-chiseled-extra
WORKDIR /app
COPY --from=build /app .
# The root file system can be read-only: the lake's staging, the health file and temporary files (the runtime's too)
# live on a writable volume, which the worker's user owns (a volume starts as a copy of the image's folder).
COPY --from=build --chown=$APP_UID /scratch /scratch
ENV ANALYTICS__Lake__StagingFolder=/scratch/staging \
    TMPDIR=/scratch
VOLUME ["/scratch"]
USER $APP_UID
HEALTHCHECK --interval=60s --timeout=10s --start-period=120s --retries=3 CMD ["dotnet", "/app/analytics-ingest.dll", "health", "--file", "/scratch/worker.health"]
ENTRYPOINT ["dotnet"]
CMD ["/app/analytics-ingest.dll", "worker", "--json-logs", "--health-file", "/scratch/worker.health"]
