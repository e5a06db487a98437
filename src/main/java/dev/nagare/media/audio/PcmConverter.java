package dev.nagare.media.audio;

/**
 * Downmixes (stereo to mono: the mean of the two) and downsamples 16-bit PCM, chunk after chunk,
 * with state carried across chunks so that they join without clicks. Downsampling averages the
 * input over one output period first (a box low-pass, so a tone above the new Nyquist frequency is
 * damped instead of folding back as loudly), then interpolates linearly. Not thread-safe: one
 * converter per output format, used from the source thread.
 */
final class PcmConverter {
    private final PcmFormat from;
    private final PcmFormat to;
    private final double step;
    private final int width;
    private final double[][] history;
    private final double[] prev;
    private double pos;

    PcmConverter(PcmFormat from, PcmFormat to) {
        if (to.sampleRate() > from.sampleRate() || to.channels() > from.channels()) {
            throw new IllegalArgumentException("only lower rates and fewer channels: " + from + " -> " + to);
        }
        this.from = from;
        this.to = to;
        this.step = (double) from.sampleRate() / to.sampleRate();
        this.width = Math.max(1, (int) Math.round(step));
        this.history = new double[to.channels()][width - 1];
        this.prev = new double[to.channels()];
    }

    byte[] convert(byte[] pcm) {
        if (from.equals(to)) {
            return pcm;
        }
        int inCh = from.channels();
        int outCh = to.channels();
        int n = pcm.length / (2 * inCh);
        double[][] x = new double[outCh][n];
        for (int i = 0; i < n; i++) {
            if (outCh == inCh) {
                for (int c = 0; c < inCh; c++) {
                    x[c][i] = sample(pcm, i * inCh + c);
                }
            } else {
                x[0][i] = (sample(pcm, i * 2) + sample(pcm, i * 2 + 1)) / 2;
            }
        }
        double[][] f = new double[outCh][];
        for (int c = 0; c < outCh; c++) {
            f[c] = boxFilter(x[c], history[c]);
        }
        int count = 0;
        for (double t = pos; t <= n - 1; t += step) {
            count++;
        }
        byte[] out = new byte[count * outCh * 2];
        int k = 0;
        double t = pos;
        for (int j = 0; j < count; j++, t += step) {
            int i0 = (int) Math.floor(t);
            double frac = t - i0;
            for (int c = 0; c < outCh; c++) {
                double a = i0 < 0 ? prev[c] : f[c][i0];
                double b = i0 + 1 < n ? f[c][i0 + 1] : a;
                int v = (int) Math.round(a + (b - a) * frac);
                v = Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
                out[k++] = (byte) v;
                out[k++] = (byte) (v >> 8);
            }
        }
        pos = t - n;
        for (int c = 0; c < outCh && n > 0; c++) {
            prev[c] = f[c][n - 1];
        }
        return out;
    }

    /** Mean of each sample and the {@code width - 1} before it (carried over from the last chunk). */
    private double[] boxFilter(double[] x, double[] hist) {
        if (width == 1) {
            return x;
        }
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double sum = x[i];
            for (int k = 1; k < width; k++) {
                int j = i - k;
                sum += j >= 0 ? x[j] : hist[hist.length + j];
            }
            out[i] = sum / width;
        }
        int keep = hist.length;
        double[] joined = new double[keep + x.length];
        System.arraycopy(hist, 0, joined, 0, keep);
        System.arraycopy(x, 0, joined, keep, x.length);
        System.arraycopy(joined, joined.length - keep, hist, 0, keep);
        return out;
    }

    private static double sample(byte[] pcm, int index) {
        return (short) ((pcm[2 * index] & 0xff) | (pcm[2 * index + 1] << 8));
    }
}
