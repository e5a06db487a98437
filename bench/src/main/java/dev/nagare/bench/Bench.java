package dev.nagare.bench;

import java.util.Arrays;

/**
 * Entry point of {@code nagare-bench.jar}: {@code java -jar nagare-bench.jar COMMAND [--option value]...}.
 * scripts/bench drives it; see docs/BENCHMARKS.md.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "nagare-server" -> NagareBenchServer.main(rest);
            case "raw-server" -> RawVertxServer.main(rest);
            case "broadcast" -> BroadcastScenario.main(rest);
            case "steady" -> SteadyScenario.main(rest);
            case "flame" -> Flame.main(rest);
            case "cluster" -> ClusterScenario.main(rest);
            case "chat" -> ChatScenario.main(rest);
            case "mjpeg" -> MjpegScenario.main(rest);
            case "game" -> GameScenario.main(rest);
            case "rpc" -> RpcScenario.main(rest);
            case "idle" -> IdleScenario.main(rest);
            case "sse" -> SseScenario.main(rest);
            case "report" -> Report.main(rest);
            default -> {
                usage();
                System.exit(2);
            }
        }
    }

    private static void usage() {
        System.err.println("""
                usage: java -jar nagare-bench.jar COMMAND [--option value]...
                  nagare-server [--port 0] [--data-dir DIR] [--cluster redis://HOST:PORT] [--chat-users N --chat-tokens FILE] [--token-file FILE]
                                Nagare with the /bench namespace (and N chat users with tokens); prints BENCH_PORT=<port>
                  raw-server    [--port 0]                      bare Vert.x WebSocket broadcast (/raw); prints BENCH_PORT=<port>
                  broadcast     --server NAME --port P [--protocol sio|raw] [--clients 1000] [--payload 100]
                                [--start-deliveries 20000] [--factor 1.5] [--refine 3] [--step-seconds 3]
                                [--settle-seconds 1] [--warmup-seconds 4] [--max-p99-ms 50] [--min-delivery-ratio 0.9]
                                [--confirm-failures 1]
                                [--budget-seconds 120] [--source-addresses 8] [--threads N] [--server-pid PID]
                                [--clk-tck 100] [--gc-server-after-warmup false] [--out FILE.json]
                  steady        --server NAME --port P [--clients 1000] [--rate 50] [--cold-seconds 5] [--warmup-seconds 10]
                                [--warm-seconds 10] [--server-pid PID] [--jfr FILE (jcmd JFR over the warm-up and window)] [--out FILE.json]
                                (broadcast's clients at a fixed rate: server CPU per delivery cold and warm)
                  flame         --jfr FILE [--from EPOCH_MS --to EPOCH_MS] --folded OUT --svg OUT --summary OUT.json
                  cluster       --server NAME --ports P1,P2,... [--clients 500] [--start-deliveries 40000] [--factor 1.6]
                                [--step-seconds 2] [--budget-seconds 45] [--latency-rate 20] [--latency-seconds 5]
                                [--server-pids PID,...] [--redis-pid PID] [--out FILE.json]
                                (receivers spread over the nodes, the publisher on the first)
                  chat          --port P --tokens FILE [--users 1000] [--senders 50] [--rate 50] [--seconds 20]
                                [--warmup-seconds 5] [--source-addresses 8] [--out FILE.json]
                                (the server started with nagare-server --chat-users N --chat-tokens FILE)
                  mjpeg         --server NAME --port P [--path /video_feed] [--boundary frame] [--token-file F]
                                [--min-fps 28.5] [--step-seconds 5] [--max-viewers 1024] [--server-pid PID] [--out FILE.json]
                                [--count bytes --min-rate 14000] [--steps 100,1000 (fixed counts, no search)] [--first-step-seconds S]
                  game          --port P --tokens FILE [--players 200] [--seconds 20] [--warmup-seconds 5] [--out FILE.json]
                                (the server started with NAGARE_GAME_MAX_PLAYERS >= players, nagare-server --chat-users N ...)
                  rpc           --server NAME --port P [--clients 100] [--seconds 10] [--server-pid PID] [--out FILE.json]
                  idle          --server NAME --port P --server-pid PID [--connections 10000] [--jvm true] [--out FILE.json]
                  sse           --port P --token-file F [--clients 1000] [--rate 50] [--seconds 10] [--out FILE.json]
                  report        --results DIR --out docs/BENCHMARKS.md [--machine FILE.json]
                """);
    }
}
