/**
 * The public API check: {@link dev.doco.core.apicheck.ApiDump} renders every public and protected
 * type and member of a module's exported packages as sorted text, and {@link
 * dev.doco.core.apicheck.PublicApiTest} compares doco-core's against the checked-in {@code
 * doco-core/api/doco-core.api}, so that an API change shows up in review.
 */
@NullMarked
package dev.doco.core.apicheck;

import org.jspecify.annotations.NullMarked;
