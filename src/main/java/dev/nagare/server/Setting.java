package dev.nagare.server;

import java.util.Locale;

/**
 * Every server setting, in one table: the CLI option, the environment variable, the YAML key and the
 * default all derive from the constant, so {@code --help}, the config loader and the README table
 * cannot drift apart. Precedence is flags > environment > config file > default (see
 * {@link ConfigResolver}).
 */
public enum Setting {
    HOST("host", "ADDRESS", "127.0.0.1",
            "Interface to listen on. Use 0.0.0.0 to accept connections from other machines."),
    PORT("port", "PORT", "8080", "TCP port to listen on; 0 picks a free port."),
    DATA_DIR("data-dir", "DIR", "./data", "Directory for the SQLite database and other state."),
    APPS("apps", "LIST", null,
            "Modules to run, comma-separated: chat, feed, game, video, audio, sse. Unset: all of them when run"
                    + " from the command line, none when embedded (Nagare.create). 'none': only login, health and"
                    + " the Socket.IO server."),
    ADMIN_UI("admin-ui", "true|false", "false",
            "Serve the official Socket.IO Admin UI at /admin-ui/ and speak its protocol on the namespace /admin"
                    + " (admin accounts only). Off by default: it shows every socket's handshake and lets an admin"
                    + " disconnect sockets and move them between rooms."),
    STORE("store", "sqlite|URL", "sqlite",
            "Where accounts, chat history and feed samples live: sqlite (nagare.db under --data-dir) or a"
                    + " PostgreSQL 15+ database, postgres://USER@HOST:PORT/DATABASE (add ?sslmode=require for TLS)."
                    + " Its password comes from NAGARE_STORE_PASSWORD or --store-password-file."),
    STORE_PASSWORD("store-password", "PASSWORD", null,
            "Password of the PostgreSQL user of --store. Prefer the environment variable (a command line is"
                    + " visible to every local user) or --store-password-file."),
    STORE_PASSWORD_FILE("store-password-file", "FILE", null,
            "File whose first line is the password of the PostgreSQL user of --store."),
    STORE_POOL("store-pool", "COUNT", "8",
            "PostgreSQL connections this server keeps open (and store transactions it runs at once)."),
    CLUSTER("cluster", "URL", null,
            "Join a cluster of nodes over Redis: redis://HOST:PORT (rediss:// for TLS). Nodes share broadcasts,"
                    + " rooms and fetchSockets with each other and with Node.js socket.io servers using"
                    + " @socket.io/redis-adapter on the same Redis. Unset: a single node, no Redis needed."),
    CLUSTER_PASSWORD("cluster-password", "PASSWORD", null,
            "Password of --cluster's Redis (AUTH). Prefer NAGARE_CLUSTER_PASSWORD or --cluster-password-file."),
    CLUSTER_PASSWORD_FILE("cluster-password-file", "FILE", null,
            "File whose first line is the password of --cluster's Redis."),
    CLUSTER_CA("cluster-ca", "FILE", null,
            "PEM certificate of the authority that signed the Redis server's certificate (rediss://);"
                    + " unset: the JVM's trusted authorities."),
    CLUSTER_KEY("cluster-key", "PREFIX", "socket.io",
            "Prefix of the cluster's Redis channels: the 'key' option of the Node servers' adapter and emitter."),
    CLUSTER_REQUESTS_TIMEOUT("cluster-requests-timeout", "MS", "5000",
            "How long a request to the other nodes (fetchSockets) waits for all of them to answer."),
    CONFIG("config", "FILE", null, "YAML config file whose keys are these option names."),
    LOG_FORMAT("log-format", "text|json", "text", "Log line format on standard output."),
    ACCESS_LOG("access-log", "true|false", "false", "Log one line per HTTP request."),
    MAX_BODY("max-body", "BYTES", "1048576", "Largest HTTP request body accepted under /api/."),
    IDLE_TIMEOUT("idle-timeout", "SECONDS", "90", "Close HTTP connections idle for this long."),
    SHUTDOWN_TIMEOUT("shutdown-timeout", "SECONDS", "10",
            "On SIGTERM/SIGINT, how long to let open requests and streams drain."),
    DRAIN_DELAY("drain-delay", "SECONDS", "0",
            "On SIGTERM/SIGINT, how long to go on serving everything while /health/ready answers 503, before"
                    + " closing real-time sessions and the listener: behind a load balancer, longer than its health"
                    + " checks take to mark the node down (3 with deploy/haproxy.cfg), so clients reconnect elsewhere."),
    ALLOWED_ORIGINS("allowed-origins", "ORIGINS", "",
            "Comma-separated origins allowed to open real-time connections from a browser (CORS and the"
                    + " WebSocket Origin check), e.g. https://app.example.com; * allows any. Empty: same origin only."),
    PING_INTERVAL("ping-interval", "MS", "25000", "Engine.IO heartbeat: how often the server pings each client."),
    PING_TIMEOUT("ping-timeout", "MS", "20000", "Engine.IO heartbeat: how long to wait for a pong before closing."),
    MAX_PAYLOAD("max-payload", "BYTES", "1000000", "Largest Engine.IO message or polling body a client may send."),
    MAX_CONNECTIONS("max-connections", "COUNT", "100000", "Most concurrent real-time sessions; more get 503."),
    MAX_MESSAGE_RATE("max-message-rate", "PER_SECOND", "1000",
            "Messages per second one real-time client may send (bursts of twice that); floods are disconnected."),
    TLS_CERT("tls-cert", "FILE", null, "PEM certificate (chain) for HTTPS and WSS; needs --tls-key."),
    TLS_KEY("tls-key", "FILE", null, "PEM private key of --tls-cert."),
    TLS_SELF_SIGNED("tls-self-signed", "true|false", "false",
            "Serve HTTPS with a development certificate generated once into <data-dir>/tls/."),
    HTTP_REDIRECT_PORT("http-redirect-port", "PORT", null,
            "With TLS on, also listen on this plain-HTTP port and redirect every request to HTTPS on --host and --port."),
    MANAGEMENT_PORT("management-port", "PORT", null,
            "Also serve /health/live, /health/ready and /metrics on this port, on an event loop of their own, so that"
                    + " a flood on the main port cannot delay a health check; 0 picks a free port. On a loopback"
                    + " --management-host, /metrics there needs no token."),
    MANAGEMENT_HOST("management-host", "ADDRESS", "127.0.0.1",
            "Interface of --management-port. Off loopback, /metrics there asks for a token as on the main port."),
    EVENT_LOOPS("event-loops", "COUNT", "0",
            "Event loops serving the main port: its connections are spread over them round-robin, so"
                    + " real-time I/O (reading, framing, writing broadcasts) uses that many cores, while sessions,"
                    + " namespaces and rooms stay on one. 0: one per available processor. 1: everything on one loop."),
    WRITE_WINDOW("write-window", "MS", "0",
            "A busy WebSocket is flushed at most once per this many ms (several frames per system call);"
                    + " a connection receiving less often is flushed at once. 0: flush every event-loop turn."),
    WEBSOCKET_COMPRESSION("websocket-compression", "true|false", "false",
            "Accept permessage-deflate from WebSocket clients that offer it (browsers and the Node client do):"
                    + " less bandwidth for large text messages, but every frame is compressed per receiver and"
                    + " inflated by the client. Off, as in the reference Socket.IO server."),
    UPGRADE_HOLD("upgrade-hold", "MS", "50",
            "While a polling client's upgrade to WebSocket is being probed, hold what is queued for its pending"
                    + " poll until the probe arrives, at most this long, so its next emits ride the WebSocket."
                    + " 0: off (the reference server's behaviour)."),
    TRUSTED_PROXIES("trusted-proxies", "ADDRESSES", "",
            "Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed (for throttling"
                    + " and logs). Empty: the connection's own address is the client's."),
    CONNECT_RATE("connect-rate", "PER_SECOND", "20",
            "Real-time handshakes per second one client address may make (bursts of twice that); more get 429."),
    MAX_TCP_CONNECTIONS("max-tcp-connections", "COUNT", "0",
            "Most TCP connections of every kind at once; more are closed at once. 0: the process's open-file"
                    + " limit less a reserve (a tenth, at least 512), so the server never runs out of descriptors."),
    MAX_CONNECTIONS_PER_ADDRESS("max-connections-per-address", "COUNT", "256",
            "Most TCP connections one client address may hold (trusted proxies exempt); more get 429. 0: no cap."),
    REQUEST_TIMEOUT("request-timeout", "SECONDS", "10",
            "A new connection must send its first request head within this time, or it is closed."),
    MAX_STREAMS_PER_USER("max-streams-per-user", "COUNT", "32",
            "Most long-lived HTTP streams (SSE, MJPEG, audio) one account may hold at once; more get 429. 0: no cap."),
    VIDEO_FFMPEG("video-ffmpeg", "NAME=INPUT[@SPEC]", null,
            "Add a video stream fed by ffmpeg, e.g. 'cam=-f v4l2 -i /dev/video0@1280x720/15/q85' (or"
                    + " 'cam=/dev/video0@1280x720/15/q85') or 'clip=-re -stream_loop -1 -i movie.mp4'; the capture spec"
                    + " WIDTHxHEIGHT/FPS/qQUALITY (16x16 to 3840x2160, 1 to 60 fps, q10 to q100; parts may be left"
                    + " out) sets its size, rate and JPEG quality, 640x480/30/q80 without one."),
    VIDEO_TEST_PATTERN("video-test-pattern", "SPEC", "640x480/30/q80",
            "Size, rate and JPEG quality of the default stream's test pattern, as WIDTHxHEIGHT/FPS/qQUALITY"
                    + " (at least 592x96, at most 3840x2160, 1 to 60 fps, q10 to q100)."),
    VIDEO_STALL_TIMEOUT("video-stall-timeout", "SECONDS", "30",
            "An MJPEG viewer whose connection has taken no frame for this long (paused, or gone without closing)"
                    + " is disconnected."),
    VIDEO_PUBLIC("video-public", "NAMES", "",
            "Video streams anyone may watch without a login (MJPEG, snapshot, stats), comma-separated, e.g. 'cam1,lobby';"
                    + " other sites may embed them. Publishing still needs its right."),
    AUDIO_PUBLIC("audio-public", "NAMES", "",
            "Audio streams anyone may listen to without a login (WAV, Ogg), comma-separated; other sites may embed them."),
    AUDIO_FFMPEG("audio-ffmpeg", "NAME=INPUT", null,
            "Add an audio stream fed by ffmpeg, e.g. 'mic=-f pulse -i default' or 'radio=-re -i http://...'"
                    + " (48 kHz mono WAV)."),
    CHAT_MAX_LENGTH("chat-max-length", "CHARACTERS", "2000", "Longest chat message accepted."),
    CHAT_HISTORY("chat-history", "COUNT", "50", "How many recent messages a chat client gets on joining a room."),
    CHAT_RATE("chat-rate", "PER_SECOND", "5",
            "Chat messages per second one user may post, all tabs together (bursts of twice that)."),
    CHAT_MAX_ROOMS("chat-max-rooms", "COUNT", "20", "Most chat rooms one user may be in at once."),
    CHAT_ROOM_MEMBERS("chat-room-members", "COUNT", "5000", "Most users one chat room may hold."),
    CHAT_ROOM_RATE("chat-room-rate", "PER_MINUTE", "5",
            "Chat rooms one user may create per minute (bursts of that many)."),
    CHAT_ROOMS_CREATED("chat-rooms-created", "COUNT", "10",
            "Most chat rooms one user may have created that still exist (deleting one, or its expiry, frees a place)."),
    CHAT_ROOM_IDLE("chat-room-idle", "SECONDS", "600",
            "A chat room a user created is deleted, with its history, once it has been empty this long."),
    GAME_TICK_HZ("game-tick-hz", "HZ", "30", "Game simulation steps (and snapshots) per second."),
    GAME_MAX_PLAYERS("game-max-players", "COUNT", "16", "Most people in one game match; more may spectate."),
    GAME_BOTS("game-bots", "COUNT", "3", "Bots that keep a match lively while fewer people play (they leave as people join)."),
    FEEDS("feeds", "JSON", null,
            "Data feeds to run: a JSON list (a YAML list in the config file) of objects such as"
                    + " {\"name\":\"weather\",\"type\":\"http\",\"url\":\"https://...\",\"interval\":30,"
                    + "\"fields\":{\"temp\":\"/current/temp\"}}; types market, iot, http, push."
                    + " Unset: a simulated market and IoT sensors."),
    FEED_MAX_SKEW("feed-max-skew", "MS", "5000",
            "How far ahead of the server's clock a feed sample's ts may be; later ones are refused with 400."),
    FEED_HISTORY_REQUESTS("feed-history-requests", "COUNT", "4",
            "Feed history requests (downsampled on a worker) one user may have in progress at once; more get 429."),
    FEED_HISTORY_RATE("feed-history-rate", "PER_SECOND", "10",
            "Feed history requests one user may start per second (bursts of twice that); more get 429."),
    SSE_HISTORY_SECONDS("sse-history-seconds", "SECONDS", "600",
            "How long SSE events are kept for clients resuming with Last-Event-ID (trimmed every second)."),
    SSE_CHANNEL_BYTES("sse-channel-bytes", "BYTES", "4194304",
            "Most bytes of events one SSE channel keeps for resuming clients; the oldest go first."),
    SSE_HISTORY_BYTES("sse-history-bytes", "BYTES", "67108864",
            "Most bytes of events all SSE channels keep together; the oldest of any channel go first."),
    SSE_MAX_EVENT("sse-max-event", "BYTES", "65536", "Largest event data POST /api/sse/{channel} accepts; more get 413."),
    SSE_PUBLISH_RATE("sse-publish-rate", "PER_SECOND", "100",
            "SSE events per second one user may publish (bursts of twice that); more get 429."),
    SSE_MAX_CHANNELS("sse-max-channels", "COUNT", "1000",
            "Most SSE channels with events (feeds' channels not counted); idle ones are removed, publishing to a"
                    + " new one when full gets 503."),
    SSE_WAITING_PER_USER("sse-waiting-per-user", "COUNT", "16",
            "Most open streams one user may have on SSE channels nobody has published to yet; more get 429."),
    AUDIO_TONE_HZ("audio-tone-hz", "HZ", "440", "Frequency of the default audio stream's test tone."),
    AUDIO_OPUS_BITRATE("audio-opus-bitrate", "BITS_PER_SECOND", "64000",
            "Bitrate of each stream's Ogg/Opus version (/audio/NAME.ogg), encoded once for all its listeners."),
    AUDIO_MP3_BITRATE("audio-mp3-bitrate", "BITS_PER_SECOND", "128000",
            "Bitrate of each stream's MP3 version (/audio/NAME.mp3), encoded once by ffmpeg while someone listens."),
    AUDIO_SOURCE_MAX_BITRATE("audio-source-max-bitrate", "BITS_PER_SECOND", "512000",
            "Most an encoder publishing to /audio/NAME/source (Icecast protocol) may send; more is held back."),
    AUDIO_SOURCE_IDLE_TIMEOUT("audio-source-idle-timeout", "SECONDS", "10",
            "An encoder publishing to /audio/NAME/source that sends nothing for this long is disconnected."),
    AUDIO_MIC("audio-mic", "NAME=DEVICE[@RATE[/CHANNELS]]", null,
            "Add an audio stream from a capture device through Java Sound, by the index 'java -jar target/nagare.jar audio devices'"
                    + " prints or part of its name, e.g. 'mic=0@16000/1' (default 48000 Hz, mono)."),
    REGISTRATION("registration", "open|closed", "closed", "Whether anyone may create an account at /register."),
    GUESTS("guests", "true|false", "false",
            "Let clients without a login connect to protected namespaces as read-only guests."),
    ADMIN_PASSWORD("admin-password", "PASSWORD", null,
            "Password of the first admin account, used once when the store has no account (prefer the"
                    + " environment variable). Unset: a random one is generated and printed once to the log."),
    JWT_HMAC_SECRET_FILE("jwt-hmac-secret-file", "FILE", null,
            "Accept JWTs signed with HS256/384/512 using the secret on this file's first line (at least 32 bytes)."),
    JWT_PUBLIC_KEY("jwt-public-key", "FILE", null,
            "Accept JWTs signed with RS*, PS* or ES* by the keys of this PEM file (one or more"
                    + " '-----BEGIN PUBLIC KEY-----' blocks, RSA of 2048 bits or more, or EC P-256/384/521)."),
    JWT_JWKS_URL("jwt-jwks-url", "URL", null,
            "Accept JWTs signed by the public keys of this JWK set (an identity provider's jwks_uri), fetched at"
                    + " start and every --jwt-jwks-refresh; a failed fetch keeps the last good set."),
    JWT_JWKS_REFRESH("jwt-jwks-refresh", "SECONDS", "300", "How often the JWK set of --jwt-jwks-url is fetched again."),
    JWT_ISSUER("jwt-issuer", "ISSUER", null, "The iss a JWT must carry. Unset: any issuer the keys sign for."),
    JWT_AUDIENCE("jwt-audience", "AUDIENCE", null,
            "A value a JWT's aud must contain; required with any --jwt key, so tokens minted for other services are refused."),
    JWT_NAME_CLAIM("jwt-name-claim", "CLAIM", "sub",
            "The claim naming a JWT's user; the user is jwt:<value>, never a local account."),
    JWT_RIGHTS_CLAIM("jwt-rights-claim", "CLAIM", "scope",
            "The claim holding a JWT's rights, such as 'join:chat/general watch:video/*' (a space- or comma-separated"
                    + " string, or an array); its only rights: no role's defaults."),
    JWT_ADMIN_SCOPE("jwt-admin-scope", "VALUE", null,
            "A value of --jwt-rights-claim that makes its holder an admin. Unset: no JWT is ever an admin."),
    JWT_CLOCK_SKEW("jwt-clock-skew", "SECONDS", "30",
            "How far a JWT's exp and nbf may be off the server's clock; a login by JWT ends at exp plus this."),
    PROXY_CONNECT_URL("proxy-connect-url", "URL", null,
            "POST every Socket.IO connect (user, namespace, address) to this backend before it is admitted;"
                    + " its reply {\"result\":\"allow\"} or {\"result\":\"refuse\",\"reason\":...} decides."),
    PROXY_PUBLISH_URL("proxy-publish-url", "URL", null,
            "POST every chat message (user, room, text) to this backend before it is stored; its reply allows it,"
                    + " refuses it or rewrites its text ({\"result\":\"allow\",\"text\":...})."),
    PROXY_TIMEOUT("proxy-timeout", "MS", "1000", "How long the --proxy- backends may take to answer."),
    PROXY_FAILURE("proxy-failure", "refuse|allow", "refuse",
            "What a connect or message gets when a --proxy- backend fails (no answer in time, a status other"
                    + " than 200, not a verdict): refused with 'the check is unavailable', or accepted.");

    private final String key;
    private final String label;
    private final String defaultValue;
    private final String description;

    Setting(String key, String label, String defaultValue, String description) {
        this.key = key;
        this.label = label;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** A true|false setting, which a bare {@code --key} turns on. */
    public boolean isSwitch() {
        return "true|false".equals(label);
    }

    /** The kebab-case name used as {@code --key} and as the YAML key. */
    public String key() {
        return key;
    }

    public String option() {
        return "--" + key;
    }

    public String envVar() {
        return "NAGARE_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    public String label() {
        return label;
    }

    /** The built-in default, or null when the setting has none. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public static Setting byKey(String key) {
        for (Setting s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        return null;
    }
}
