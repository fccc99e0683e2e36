# syntax=docker/dockerfile:1
# stt on an NVIDIA GPU (CUDA 12 + cuDNN 9, as ONNX Runtime GPU 1.2x needs). The CPU image is Dockerfile.cpu.
#   docker build -t stt:cuda .
#   docker run --gpus all -p 8000:8000 -v stt-models:/models stt:cuda

FROM maven:3-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
# -Pcuda swaps the CPU ONNX Runtime for the GPU one; the Maven cache survives between builds.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -DskipTests -Pcuda -pl stt-cli -am package

FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu22.04
# The same JRE as the build stage, without a second package manager dance.
ENV JAVA_HOME=/opt/java/openjdk
ENV PATH=/opt/java/openjdk/bin:$PATH
COPY --from=eclipse-temurin:21-jre /opt/java/openjdk /opt/java/openjdk
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app stt \
 && mkdir -p /models \
 && chown stt /models
WORKDIR /app
COPY --from=build /src/stt-cli/target/stt.jar /app/stt.jar

ENV HOST=0.0.0.0 \
    PORT=8000 \
    STT_DEVICE=cuda \
    STT_MODELS_DIR=/models
# Downloaded models live here: mount a volume so they outlive the container.
VOLUME /models
EXPOSE 8000
USER stt
# /health answers as soon as the server listens; /ready waits for the models (first start downloads them).
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT:-8000}/health" || exit 1
# An OutOfMemoryError ends the process (exit code 3) instead of leaving it half-working: the orchestrator restarts it.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/stt.jar"]
CMD ["serve"]
