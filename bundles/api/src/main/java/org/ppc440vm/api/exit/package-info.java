/**
 * Exits: the one vocabulary of exit reasons, exit records, and exit handlers (a whiteboard of services).
 */
@Export
@Version("1.0.0")
package org.ppc440vm.api.exit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
