package org.ppc440vm.virtio.net;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.ppc440vm.api.net.FrameReceiver;
import org.ppc440vm.api.net.NetworkBackend;

/** A backend for device tests: keeps what the guest sends, injects frames for the guest on the test's thread. */
final class FakeBackend implements NetworkBackend {
    final LinkedBlockingQueue<byte[]> sent = new LinkedBlockingQueue<>();
    final AtomicInteger readyCalls = new AtomicInteger();
    volatile FrameReceiver receiver;
    volatile boolean up = true;

    @Override
    public String id() {
        return "n0";
    }

    @Override
    public boolean send(ByteBuffer frame) {
        byte[] f = new byte[frame.remaining()];
        frame.get(f);
        sent.add(f);
        return true;
    }

    /** Offers a frame to the attached receiver as a backend thread would; returns its answer. */
    boolean inject(byte[] frame) {
        return receiver.receive(ByteBuffer.wrap(frame));
    }

    @Override
    public synchronized void attach(FrameReceiver r) {
        receiver = r;
    }

    @Override
    public synchronized void detach(FrameReceiver r) {
        if (receiver == r) {
            receiver = null;
        }
    }

    @Override
    public void receiverReady() {
        readyCalls.incrementAndGet();
    }

    @Override
    public boolean linkUp() {
        return up;
    }

    @Override
    public String describe() {
        return "fake: id=n0";
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of();
    }
}
