package dev.nagare.media.audio;

/**
 * Audio a browser sends over a WebSocket (the /audio/publish page): 16-bit mono PCM at 48 kHz, as
 * its AudioWorklet captures it, pushed frame by frame from the publisher's connection (its event
 * loop: one thread, in order). Frames go to the stream only while someone listens.
 */
final class PublishedAudioSource extends PushedAudioSource {
    static final PcmFormat FORMAT = new PcmFormat(48_000, 1);

    PublishedAudioSource() {
        super(FORMAT);
    }
}
