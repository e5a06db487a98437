// AudioWorklet: turns the microphone into 16-bit mono PCM frames of 20 ms for the publisher page,
// and reports the level ten times a second.
class PcmCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.size = Math.round(sampleRate / 50);
    this.frame = new Int16Array(this.size);
    this.filled = 0;
    this.energy = 0;
    this.counted = 0;
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0) return true;
    const mono = input[0];
    for (let i = 0; i < mono.length; i++) {
      let v = mono[i];
      if (input.length > 1) v = (v + input[1][i]) / 2;
      this.energy += v * v;
      this.frame[this.filled++] = Math.max(-32768, Math.min(32767, Math.round(v * 32767)));
      if (this.filled === this.size) {
        this.port.postMessage(this.frame.buffer, [this.frame.buffer]); // transferred: the array is now empty
        this.frame = new Int16Array(this.size);
        this.filled = 0;
      }
    }
    this.counted += mono.length;
    if (this.counted >= sampleRate / 10) {
      this.port.postMessage({ level: Math.sqrt(this.energy / this.counted) });
      this.energy = 0;
      this.counted = 0;
    }
    return true;
  }
}

registerProcessor('pcm-capture', PcmCapture);
