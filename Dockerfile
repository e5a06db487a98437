# Nagare in a container, made from the release archive (no JDK in the image: the archive carries
# its own jlink runtime):
#   scripts/package && docker build -t nagare .
#   docker run -d --name nagare -p 8080:8080 -v nagare-data:/var/lib/nagare nagare
#   docker logs nagare 2>&1 | grep -m1 "first account"     # the admin's one-time password
FROM debian:bookworm-slim
ARG VERSION=0.1.0-SNAPSHOT
RUN useradd --system --home-dir /var/lib/nagare --shell /usr/sbin/nologin nagare \
    && mkdir -p /var/lib/nagare && chown nagare:nagare /var/lib/nagare
# ADD unpacks a local tar archive.
ADD target/nagare-${VERSION}-linux-x64.tar.gz /opt/
RUN ln -s "/opt/nagare-${VERSION}" /opt/nagare
# The class data sharing archive of a start, made here where it will run (see bin/nagare-cds): a faster start.
RUN /opt/nagare/bin/nagare-cds
USER nagare
WORKDIR /var/lib/nagare
# Inside a container the server must listen beyond loopback; publish the port to choose who reaches it.
ENV NAGARE_HOST=0.0.0.0 \
    NAGARE_PORT=8080 \
    NAGARE_DATA_DIR=/var/lib/nagare \
    NAGARE_COMMAND_NAME="docker exec nagare /opt/nagare/bin/nagare"
VOLUME /var/lib/nagare
EXPOSE 8080
# Ready means the store (and, in a cluster, Redis) answers; bash's /dev/tcp needs no curl in the image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${NAGARE_PORT} && printf 'GET /health/ready HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
# SIGTERM drains and flushes the store (docker stop waits 10 s by default; give it --time 30).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/nagare/bin/nagare"]
