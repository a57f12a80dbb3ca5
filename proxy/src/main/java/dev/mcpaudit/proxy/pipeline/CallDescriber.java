package dev.mcpaudit.proxy.pipeline;

import dev.mcpaudit.proxy.audit.Account;
import dev.mcpaudit.proxy.audit.AccountResolver;
import dev.mcpaudit.proxy.audit.CallStart;
import dev.mcpaudit.proxy.config.ProfileSet;
import java.util.Map;

/**
 * What the log is told about a call before it runs or when it is refused: the profile it was routed
 * to (or, if no step routed it yet, the one it named), and that profile's account and region when it
 * is an allowed one.
 */
public final class CallDescriber {
    private final ProfileRouter router;
    private final ProfileSet profiles;
    private final AccountResolver accounts;
    private final Map<String, String> regionByProfile;
    private final String service;

    public CallDescriber(ProfileRouter router, AccountResolver accounts, Map<String, String> regionByProfile,
            String service) {
        this.router = router;
        this.profiles = router.profiles();
        this.accounts = accounts;
        this.regionByProfile = Map.copyOf(regionByProfile);
        this.service = service;
    }

    public CallStart describe(Call call) {
        String profile = call.profile() != null ? call.profile() : router.route(call).namedProfile();
        boolean known = profiles.allows(profile);
        Account account = known ? accounts.forProfile(profile) : null;
        return new CallStart(call.method(), call.id(), profile, account, known ? regionByProfile.get(profile) : null,
                service, call.upstreamSessionId(), call.tool(), call.target(), call.arguments(), call.callId());
    }
}
