package dev.ivbot.onnx.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running canary: the candidate version, the share of users it serves, and the turn counters of
 * both sides since it started. Which side a user is on is a pure function of the user id and the
 * candidate's name, so it survives restarts without state, and a later rollout picks other users.
 * Thread-safe.
 */
public final class Canary {
    final ModelVersion candidate;
    final String stableVersion;
    final double share;
    final ArmStats stable = new ArmStats();
    final ArmStats candidateStats = new ArmStats();
    final AtomicBoolean deciding = new AtomicBoolean();

    Canary(ModelVersion candidate, String stableVersion, double share) {
        this.candidate = candidate;
        this.stableVersion = stableVersion;
        this.share = share;
    }

    public String candidateVersion() {
        return candidate.version();
    }

    public double share() {
        return share;
    }

    /** Whether {@code userId} gets the candidate. */
    boolean assigned(String userId) {
        return bucket(candidate.version(), userId) < share;
    }

    /** A uniform number in [0, 1) from SHA-256 of the salt and the user id. */
    static double bucket(String salt, String userId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            byte[] digest = sha.digest(userId.getBytes(StandardCharsets.UTF_8));
            return (ByteBuffer.wrap(digest).getLong() >>> 11) * 0x1.0p-53;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
