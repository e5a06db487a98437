package dev.nagare.apps.feed;

import io.vertx.core.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/** The built-in simulated sources: a market ticker and IoT sensors. */
final class Simulators {
    private Simulators() {
    }

    static FeedSource of(FeedSpec spec) {
        return switch (spec.type()) {
            case MARKET -> new Periodic(spec.rate(), new Market(spec));
            case IOT -> new Periodic(spec.rate(), new Sensors(spec));
            default -> throw new IllegalArgumentException(spec.type() + " is not simulated");
        };
    }

    /** Makes one sample's values at a time in ms. */
    private interface Generator {
        Map<String, Object> next(long now);
    }

    private static final class Periodic implements FeedSource {
        private final double rate;
        private final Generator generator;
        private Context home;
        private long timer = -1;

        Periodic(double rate, Generator generator) {
            this.rate = rate;
            this.generator = generator;
        }

        @Override
        public void start(Context home, Consumer<FeedSample> sink) {
            this.home = home;
            long period = Math.max(10, Math.round(1000 / rate));
            timer = home.owner().setPeriodic(period, id -> {
                long now = System.currentTimeMillis();
                sink.accept(new FeedSample(now, generator.next(now)));
            });
        }

        @Override
        public void stop() {
            if (timer >= 0) {
                home.owner().cancelTimer(timer);
            }
        }
    }

    /** Geometric random walk per symbol (about 0.1% per tick), with a trade volume per tick. */
    private static final class Market implements Generator {
        private final SplittableRandom random = new SplittableRandom();
        private final String[] symbols;
        private final double[] prices;

        Market(FeedSpec spec) {
            symbols = spec.symbols().toArray(String[]::new);
            prices = new double[symbols.length];
            for (int i = 0; i < symbols.length; i++) {
                prices[i] = 50 + random.nextDouble() * 150;
            }
        }

        @Override
        public Map<String, Object> next(long now) {
            Map<String, Object> v = new LinkedHashMap<>();
            for (int i = 0; i < symbols.length; i++) {
                prices[i] *= Math.exp(gaussian() * 0.001);
                v.put(symbols[i], Math.round(prices[i] * 100) / 100.0);
                v.put(symbols[i] + ".vol", (double) (int) (Math.abs(gaussian()) * 300 + random.nextInt(50)));
            }
            return v;
        }

        private double gaussian() {
            double u = 1 - random.nextDouble();
            double w = random.nextDouble();
            return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
        }
    }

    /** Each sensor drifts on a slow daily-like cycle plus noise. */
    private static final class Sensors implements Generator {
        private final SplittableRandom random = new SplittableRandom();
        private final int count;

        Sensors(FeedSpec spec) {
            count = spec.sensors();
        }

        @Override
        public Map<String, Object> next(long now) {
            Map<String, Object> v = new LinkedHashMap<>();
            double phase = now / 60_000.0 * 2 * Math.PI / 10; // one cycle per 10 minutes
            for (int i = 1; i <= count; i++) {
                double p = phase + i;
                v.put("s" + i + ".temperature", round(21 + 3 * Math.sin(p) + noise(0.2), 2));
                v.put("s" + i + ".humidity", round(45 + 10 * Math.cos(p) + noise(0.5), 1));
                v.put("s" + i + ".pressure", round(1013 + 4 * Math.sin(p / 3) + noise(0.3), 1));
                v.put("s" + i + ".co2", round(600 + 150 * Math.sin(p * 1.7) + noise(15), 0));
            }
            return v;
        }

        private double noise(double amplitude) {
            return (random.nextDouble() * 2 - 1) * amplitude;
        }

        private static double round(double v, int digits) {
            double f = Math.pow(10, digits);
            return Math.round(v * f) / f;
        }
    }
}
