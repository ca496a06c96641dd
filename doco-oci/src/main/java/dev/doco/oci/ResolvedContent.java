package dev.doco.oci;

import dev.doco.core.spi.Manifest;
import org.jspecify.annotations.Nullable;

/**
 * The content manifest of an artifact: the top-level manifest the reference names and, when that is
 * an index, the child chosen from it.
 *
 * @param top the manifest the reference (tag or digest) points at; its digest is the revision
 * @param content the image manifest whose layers are the content ({@code == top} without index)
 * @param manifest {@code content}, parsed
 * @param platform the platform of the chosen index child, or null
 */
public record ResolvedContent(
    Manifest top, Manifest content, ImageManifest manifest, @Nullable Platform platform) {}
