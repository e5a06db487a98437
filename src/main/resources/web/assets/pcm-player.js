// AudioWorklet: plays PCM chunks (Float32, interleaved) from a small jitter buffer. It starts once
// 60 ms are buffered, drops the oldest audio beyond 300 ms (so delay never builds up), and reports
// the level and how much is buffered ten times a second.
class PcmPlayer extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.channels = options.processorOptions.channels;
    this.queue = [];
    this.offset = 0; // frames already played of queue[0]
    this.buffered = 0; // frames waiting
    this.target = Math.round(sampleRate * 0.06);
    this.max = Math.round(sampleRate * 0.3);
    this.playing = false;
    this.energy = 0;
    this.counted = 0;
    this.underruns = 0;
    this.port.onmessage = (e) => {
      const chunk = e.data;
      this.queue.push(chunk);
      this.buffered += chunk.length / this.channels;
      while (this.buffered > this.max && this.queue.length > 1) {
        const dropped = this.queue.shift();
        this.buffered -= dropped.length / this.channels - this.offset;
        this.offset = 0;
      }
    };
  }

  process(inputs, outputs) {
    const out = outputs[0];
    const frames = out[0].length;
    if (!this.playing && this.buffered >= this.target) this.playing = true;
    for (let i = 0; i < frames; i++) {
      if (!this.playing || this.queue.length === 0) {
        if (this.playing) { this.playing = false; this.underruns++; }
        for (let c = 0; c < out.length; c++) out[c][i] = 0;
        continue;
      }
      const chunk = this.queue[0];
      for (let c = 0; c < out.length; c++) {
        const v = chunk[this.offset * this.channels + Math.min(c, this.channels - 1)];
        out[c][i] = v;
        if (c === 0) this.energy += v * v;
      }
      this.offset++;
      this.buffered--;
      if (this.offset * this.channels >= chunk.length) {
        this.queue.shift();
        this.offset = 0;
      }
    }
    this.counted += frames;
    if (this.counted >= sampleRate / 10) {
      this.port.postMessage({ level: Math.sqrt(this.energy / this.counted), bufferedMs: this.buffered / sampleRate * 1000,
        underruns: this.underruns });
      this.energy = 0;
      this.counted = 0;
    }
    return true;
  }
}

registerProcessor('pcm-player', PcmPlayer);
