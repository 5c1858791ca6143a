import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws tools/bench.py's summary.csv as a PNG bar chart: one row per metric, ppc440vm and QEMU side by side, each row
 * scaled to its own larger value (the metrics have different units), with the ratio and the target verdict.
 * A single-file program ({@code java tools/Chart.java summary.csv chart.png}) because the machine has no Python
 * plotting library and the JDK's headless AWT can write PNGs.
 */
public class Chart {
    record Row(String metric, String unit, Double ours, Double qemu, Double ratio, String target, String verdict) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java Chart.java summary.csv chart.png");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        List<Row> rows = read(Path.of(args[0]));
        ImageIO.write(draw(rows), "png", new File(args[1]));
    }

    static List<Row> read(Path csv) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = split(line);
            Row r = new Row(f.get(0), f.get(1), num(f.get(2)), num(f.get(3)), num(f.get(4)), f.get(5), f.get(6));
            if (r.ours() != null || r.qemu() != null) {
                rows.add(r);
            }
        }
        return rows;
    }

    /** CSV fields; bench.py quotes a field only when it holds a comma or a quote. */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        while (out.size() < 7) {
            out.add("");
        }
        return out;
    }

    static Double num(String s) {
        return s.isEmpty() ? null : Double.valueOf(s);
    }

    static BufferedImage draw(List<Row> rows) {
        int rowH = 44, top = 60, left = 230, barW = 460, right = 190;
        int w = left + barW + right, h = top + rows.size() * rowH + 40;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        Color ours = new Color(0x1f77b4), qemu = new Color(0xff7f0e);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        g.drawString("ppc440vm vs qemu-system-ppc -M bamboo (medians; each row scaled to its larger value)", 12, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(ours);
        g.fillRect(12, 36, 12, 12);
        g.setColor(Color.BLACK);
        g.drawString("ppc440vm", 28, 47);
        g.setColor(qemu);
        g.fillRect(100, 36, 12, 12);
        g.setColor(Color.BLACK);
        g.drawString("QEMU", 116, 47);
        g.drawString("ratio / target / verdict", left + barW + 12, 47);
        int y = top;
        for (Row r : rows) {
            double max = Math.max(r.ours() == null ? 0 : r.ours(), r.qemu() == null ? 0 : r.qemu());
            g.setColor(new Color(0xeeeeee));
            g.drawLine(8, y + rowH - 3, w - 8, y + rowH - 3);
            g.setColor(Color.BLACK);
            g.drawString(r.metric() + " (" + r.unit() + ")", 12, y + 24);
            bar(g, left, y + 4, barW, 16, r.ours(), max, ours, r.unit());
            bar(g, left, y + 22, barW, 16, r.qemu(), max, qemu, r.unit());
            String tail = r.ratio() == null ? "" : String.format("%.2fx", r.ratio());
            if (!r.target().isEmpty()) {
                tail += "  " + r.target() + "  " + r.verdict();
            }
            g.setColor("FAIL".equals(r.verdict()) ? new Color(0xc00000)
                    : "PASS".equals(r.verdict()) ? new Color(0x007000) : Color.BLACK);
            g.drawString(tail, left + barW + 12, y + 24);
            y += rowH;
        }
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1));
        g.drawString("host wall-clock from process start; workloads timed by the arrival of the guest's console lines",
                12, h - 14);
        g.dispose();
        return img;
    }

    static void bar(Graphics2D g, int x, int y, int width, int height, Double v, double max, Color c, String unit) {
        if (v == null || max <= 0) {
            g.setColor(Color.GRAY);
            g.drawString("n/a", x + 4, y + height - 3);
            return;
        }
        int len = (int) Math.max(1, Math.round(v / max * (width - 80)));
        g.setColor(c);
        g.fillRect(x, y, len, height);
        g.setColor(Color.BLACK);
        g.drawString("MiB".equals(unit) ? String.format("%.0f", v) : String.format("%.3f", v), x + len + 4,
                y + height - 3);
    }
}
