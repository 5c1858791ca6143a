/**
 * Driver-side test utilities for virtio devices, shipped as this module's test-jar: a heap-backed
 * {@link org.ppc440vm.virtio.testing.HeapGuestMemory}, a {@link org.ppc440vm.virtio.testing.MockDriver} that
 * programs a transport through its registers as Linux's virtio_mmio does, and a
 * {@link org.ppc440vm.virtio.testing.DriverQueue} that puts descriptor chains (direct, indirect or deliberately
 * malformed) into a split ring and reads the used ring back. Together they let a device test run without a guest.
 *
 * <p>Use from another module:
 * {@code <dependency><groupId>org.ppc440vm</groupId><artifactId>virtio-mmio</artifactId><type>test-jar</type>
 * <scope>test</scope></dependency>}.
 */
package org.ppc440vm.virtio.testing;
