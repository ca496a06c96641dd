/**
 * The service provider interface: what {@code doco-oci}, {@code doco-verify}, {@code doco-compose}
 * and third-party plugins implement. Providers are small factories found with {@link
 * java.util.ServiceLoader} (see {@link dev.doco.core.Providers}); they create the services.
 */
@NullMarked
package dev.doco.core.spi;

import org.jspecify.annotations.NullMarked;
