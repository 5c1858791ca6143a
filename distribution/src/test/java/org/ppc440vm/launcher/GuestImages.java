package org.ppc440vm.launcher;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the reference Linux guest images are: {@code PPC440VM_GUEST_DIR}, else {@code ../shared/guest} beside the
 * project, else the cache of {@code guest/build-images.sh}. Tests that need them are skipped with a message saying
 * how to get them, except under {@code CI=true}, where a missing image is a failure.
 */
final class GuestImages {

    private GuestImages() {
    }

    static File require(String... files) {
        List<File> candidates = new ArrayList<>();
        String env = System.getenv("PPC440VM_GUEST_DIR");
        if (env != null && !env.isEmpty()) {
            candidates.add(new File(env));
        }
        String root = System.getProperty("ppc440vm.root", "..");
        candidates.add(new File(root, "../shared/guest"));
        String cache = System.getenv("PPC440VM_GUEST_CACHE");
        candidates.add(cache != null ? new File(cache) : new File(System.getProperty("user.home"), ".cache/ppc440vm/guest"));
        for (File dir : candidates) {
            boolean all = true;
            for (String f : files) {
                all &= new File(dir, f).isFile();
            }
            if (all) {
                return dir;
            }
        }
        String message = "the reference Linux guest images (" + String.join(", ", files) + ") were not found in "
                + candidates + "; set PPC440VM_GUEST_DIR, or build them with guest/build-images.sh (about 20 minutes)";
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        assumeTrue(false, message);
        return null;
    }
}
