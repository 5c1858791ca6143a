package org.ppc440vm.netdev.user;

import java.io.IOException;
import java.nio.channels.SelectionKey;

/** What a selection key of the stack's selector is attached to: a host socket the stack owns. */
interface Selectable {

    /** The key is ready; called on the stack's thread. */
    void onReady(SelectionKey key) throws IOException;

    /** {@link #onReady} threw: release the socket and tell the guest side. */
    void onFailure(Exception e);
}
