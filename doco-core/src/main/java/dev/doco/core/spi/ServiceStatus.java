package dev.doco.core.spi;

/** One service (Compose) or one Swarm service of a deployment, as the engine reports it. */
public record ServiceStatus(
    String service, String containerOrTaskId, String state, String health) {}
