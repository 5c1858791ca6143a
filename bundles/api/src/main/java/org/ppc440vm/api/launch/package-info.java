/**
 * The contract between the ./ppc440vm launcher and the bundles it starts: the services and properties it provides.
 */
@Export
@Version("1.0.0")
package org.ppc440vm.api.launch;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
