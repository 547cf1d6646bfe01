package io.taskhive.artifact;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where result files are kept ({@code TASKHIVE_ARTIFACTS_*}). Without an endpoint nothing is kept:
 * results above the threshold cannot be produced, and submissions that could produce one are refused.
 *
 * @param endpoint       the S3-compatible service, e.g. {@code http://minio:9000}; none: no storage
 * @param region         the region requests are signed for (MinIO accepts any)
 * @param bucket         the bucket holding every artifact
 * @param accessKey      credentials; with none, the AWS SDK's default chain (environment, profile, role)
 * @param secretKey      its secret
 * @param pathStyle      {@code http://host/bucket/key} rather than {@code http://bucket.host/key}, as MinIO wants
 * @param createBucket   create the bucket at start if it is missing (off where the credentials may not)
 * @param threshold      results larger than this go to storage instead of the task row
 * @param requestTimeout how long one request to the storage may take before the attempt fails (and is retried)
 * @param orphanAge      how old an object that no task references must be before the sweep deletes it
 *                       (longer than any attempt, so an upload whose outcome is being written is left alone)
 */
@ConfigurationProperties("taskhive.artifacts")
public record ArtifactProperties(@Nullable URI endpoint, @DefaultValue("us-east-1") String region,
        @DefaultValue("taskhive-artifacts") String bucket, @Nullable String accessKey, @Nullable String secretKey,
        @DefaultValue("true") boolean pathStyle, @DefaultValue("true") boolean createBucket,
        @DefaultValue("64KB") DataSize threshold, @DefaultValue("30s") Duration requestTimeout,
        @DefaultValue("6h") Duration orphanAge) {

    /** Whether a storage service is named at all. */
    public boolean configured() {
        return endpoint != null && !endpoint.toString().isBlank();
    }
}
