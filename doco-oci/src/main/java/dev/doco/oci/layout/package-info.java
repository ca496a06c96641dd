/** OCI image layouts on disk: reading (ours, oras, skopeo) and writing. */
@NullMarked
package dev.doco.oci.layout;

import org.jspecify.annotations.NullMarked;
