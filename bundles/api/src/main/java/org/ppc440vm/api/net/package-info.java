/**
 * Host network backends (QEMU's {@code -netdev}) as the virtio-net device sees them.
 *
 * <p>A backend is an OSGi service {@link org.ppc440vm.api.net.NetworkBackend} with the service property
 * {@value org.ppc440vm.api.net.NetworkBackend#ID_PROPERTY} set to its {@code -netdev} id. It lives in its own
 * bundle, so that replacing the device bundle leaves the backend and its host connections running: the new device
 * instance simply {@linkplain org.ppc440vm.api.net.NetworkBackend#attach attaches} where the old one left.
 *
 * <p>The unit of exchange is one Ethernet frame without preamble or FCS: destination MAC, source MAC, EtherType,
 * payload ({@value org.ppc440vm.api.net.NetworkBackend#MIN_FRAME_SIZE} to
 * {@value org.ppc440vm.api.net.NetworkBackend#MAX_FRAME_SIZE} bytes). Frames outside that range are dropped and
 * counted by whoever sees them first; nothing a guest sends can make a backend throw into the sender.
 */
@Export
@Version("1.0.0")
package org.ppc440vm.api.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
