package org.ppc440vm.board.loader;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A parsed kernel or bare-metal program: what goes where in guest-physical memory, and where it starts. */
public final class KernelImage {

    public enum Format {
        ELF, UIMAGE, RAW
    }

    /** One piece to load: {@code data} at {@code address}, then zeros up to {@code memorySize} (the BSS). */
    public static final class Segment {
        public final long address;
        public final byte[] data;
        public final long memorySize;

        public Segment(long address, byte[] data, long memorySize) {
            this.address = address;
            this.data = data;
            this.memorySize = memorySize;
        }

        public long end() {
            return address + memorySize;
        }
    }

    private final String name;
    private final Format format;
    private final List<Segment> segments;
    private final long entry;

    public KernelImage(String name, Format format, List<Segment> segments, long entry) {
        this.name = name;
        this.format = format;
        this.segments = Collections.unmodifiableList(new ArrayList<>(segments));
        this.entry = entry;
    }

    /** The file name, for messages. */
    public String name() {
        return name;
    }

    public Format format() {
        return format;
    }

    public List<Segment> segments() {
        return segments;
    }

    /** The guest-physical entry point (the 440 starts there through the loader's 1:1 boot TLB entry). */
    public long entry() {
        return entry;
    }

    /** Lowest and highest guest-physical addresses the image occupies. */
    public long lowest() {
        long l = Long.MAX_VALUE;
        for (Segment s : segments) {
            l = Math.min(l, s.address);
        }
        return l;
    }

    public long highest() {
        long h = 0;
        for (Segment s : segments) {
            h = Math.max(h, s.end());
        }
        return h;
    }

    @Override
    public String toString() {
        return String.format("%s (%s, 0x%08x-0x%08x, entry 0x%08x)", name, format, lowest(), highest(), entry);
    }
}
