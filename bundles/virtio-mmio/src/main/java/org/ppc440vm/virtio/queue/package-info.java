/**
 * The split virtqueue behind {@link org.ppc440vm.virtio.spi.VirtQueue}: ring layout, descriptor walking with every
 * check a hostile driver makes necessary, notification suppression. Private to the virtio-mmio bundle.
 */
package org.ppc440vm.virtio.queue;
