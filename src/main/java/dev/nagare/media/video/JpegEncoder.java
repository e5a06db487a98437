package dev.nagare.media.video;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * JPEG encoding for sources that draw their frames in Java, one instance per encoding thread (it
 * keeps its writer, output buffer and RGB copy). Frames go out 30 times a second for as long as
 * anyone watches, so what one encode allocates is paid on every frame. Java2D draws fast only into
 * its own types such as {@code TYPE_3BYTE_BGR}, but from such an image the JDK's JPEG writer converts
 * every row through fresh arrays: 1.2 MB of garbage and 2.9 ms per 640x480 frame, which made the test
 * pattern half of all the garbage of issue 15's memory attacks and lengthened the collector's pauses,
 * which stop the event loop. So a BGR image is copied here, byte-swapped, into an image in the
 * writer's own RGB order, whose rows the writer copies plainly (about 0.2 MB and 1.5 ms a frame).
 */
final class JpegEncoder {
    private final ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    private final ImageWriteParam param = writer.getDefaultWriteParam();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
    private BufferedImage rgb; // reused while the frame size holds

    JpegEncoder(float quality) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
    }

    /** The image as a baseline JPEG. */
    byte[] encode(BufferedImage image) {
        BufferedImage source = image.getType() == BufferedImage.TYPE_3BYTE_BGR ? toRgb(image) : image;
        bytes.reset();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(source, null, null), param);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.reset(); // keeps the writer; drops its reference to the stream
        }
        return bytes.toByteArray();
    }

    void close() {
        writer.dispose();
    }

    private BufferedImage toRgb(BufferedImage bgrImage) {
        int w = bgrImage.getWidth();
        int h = bgrImage.getHeight();
        if (rgb == null || rgb.getWidth() != w || rgb.getHeight() != h) {
            ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                    Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
            rgb = new BufferedImage(model, Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, w * 3, 3,
                    new int[] {0, 1, 2}, null), false, null);
        }
        // A TYPE_3BYTE_BGR image made by its constructor has one packed array, B, G, R per pixel.
        byte[] bgr = ((DataBufferByte) bgrImage.getRaster().getDataBuffer()).getData();
        byte[] out = ((DataBufferByte) rgb.getRaster().getDataBuffer()).getData();
        int n = w * h * 3;
        if (bgr.length < n || bgrImage.getRaster().getParent() != null) {
            return bgrImage; // a sub-image: let the writer convert it
        }
        for (int i = 0; i < n; i += 3) {
            out[i] = bgr[i + 2];
            out[i + 1] = bgr[i + 1];
            out[i + 2] = bgr[i];
        }
        return rgb;
    }
}
