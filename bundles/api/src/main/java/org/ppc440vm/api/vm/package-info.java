/**
 * Virtual machines: lifecycle and statistics.
 */
@Export
@Version("1.0.0")
package org.ppc440vm.api.vm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
