/**
 * Frame capture for the network backends: {@code -object filter-dump,netdev=ID,file=F.pcap} records every frame a
 * netdev carries, both directions, in the classic pcap format. Exported so that every backend bundle records the
 * same way.
 */
@Export
@Version("1.0.0")
package org.ppc440vm.netdev.pcap;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
