package org.ppc440vm.api.device;

/**
 * A device on the 440's Device Control Register bus: {@link #dcrCount()} consecutive 32-bit registers from
 * {@link #dcrBase()} (for example UIC0 at DCR 0xC0, 9 registers). Registered as an OSGi service; the board maps
 * it into its DCR map and forwards the guest's {@code mfdcr}/{@code mtdcr}.
 */
public interface DcrDevice {

    String name();

    /** First DCR number (0..1023). */
    int dcrBase();

    /** Number of consecutive DCRs. */
    int dcrCount();

    default void attach(DeviceContext context) {
    }

    default void detach() {
    }

    /** {@code mfdcr}: {@code index} is relative to {@link #dcrBase()}. */
    int readDcr(int index);

    /** {@code mtdcr}: {@code index} is relative to {@link #dcrBase()}. */
    void writeDcr(int index, int value);

    default DeviceTreeNode deviceTreeNode() {
        return null;
    }
}
