package dev.nagare.media.video;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/** The frame viewers see while a source is down. */
final class NoSignal {
    private NoSignal() {
    }

    static byte[] jpeg(VideoSettings s) {
        BufferedImage image = new BufferedImage(s.width(), s.height(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(new Color(30, 30, 30));
            g.fillRect(0, 0, s.width(), s.height());
            g.setColor(Color.LIGHT_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(12, s.height() / 10)));
            g.drawString("NO SIGNAL", s.width() / 10, s.height() / 2);
        } finally {
            g.dispose();
        }
        return TestPatternSource.encode(image, s.quality());
    }
}
