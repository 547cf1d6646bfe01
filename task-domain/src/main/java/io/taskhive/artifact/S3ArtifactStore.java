package io.taskhive.artifact;

import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Artifacts in an S3-compatible service (MinIO, S3Mock, AWS S3), path-style. Every request is
 * bounded by {@code request-timeout}, and the SDK's own retries are left on (a few quick tries of a
 * throttled or reset request); what still fails is an {@link ArtifactStorageException}, which a
 * worker turns into a retried attempt.
 */
public class S3ArtifactStore implements ArtifactStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(S3ArtifactStore.class);
    /** DeleteObjects takes at most this many keys. */
    private static final int DELETE_BATCH = 1000;

    private final S3Client s3;
    private final String bucket;
    private final boolean createBucket;

    public S3ArtifactStore(ArtifactProperties properties) {
        AwsCredentialsProvider credentials = properties.accessKey() == null || properties.accessKey().isBlank()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(properties.accessKey(),
                        String.valueOf(properties.secretKey())));
        this.s3 = S3Client.builder()
                .endpointOverride(properties.endpoint())
                .region(Region.of(properties.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(properties.pathStyle())
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(properties.requestTimeout())
                        .socketTimeout(properties.requestTimeout()))
                .overrideConfiguration(c -> c.apiCallTimeout(properties.requestTimeout()))
                .build();
        this.bucket = properties.bucket();
        this.createBucket = properties.createBucket();
    }

    /**
     * Creates the bucket if allowed and missing. A storage that cannot be reached now does not stop
     * the service from starting: tasks that need it fail their attempt and are retried, and the
     * first upload that finds the bucket missing creates it.
     */
    public void prepare() {
        if (!createBucket) {
            return;
        }
        try {
            ensureBucket();
        } catch (SdkException e) {
            log.warn("artifact storage not reachable at start ({}); bucket {} not checked", e.getMessage(), bucket);
        }
    }

    private void ensureBucket() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            try {
                s3.createBucket(b -> b.bucket(bucket));
                log.info("artifact bucket {} created", bucket);
            } catch (software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException
                    | software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException raced) {
                // Another replica created it meanwhile.
            }
        }
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public Artifact put(String key, byte[] content, String contentType) {
        Artifact artifact = new Artifact(key, content.length, contentType, sha256(content));
        try {
            try {
                upload(artifact, content);
            } catch (NoSuchBucketException e) {
                if (!createBucket) {
                    throw e;
                }
                ensureBucket();
                upload(artifact, content);
            }
            return artifact;
        } catch (SdkException e) {
            throw new ArtifactStorageException("artifact upload failed: " + e.getMessage(), e);
        }
    }

    private void upload(Artifact artifact, byte[] content) {
        s3.putObject(p -> p.bucket(bucket).key(artifact.key()).contentType(artifact.contentType())
                .contentLength((long) content.length), RequestBody.fromBytes(content));
    }

    @Override
    public InputStream open(String key) {
        try {
            return s3.getObject(g -> g.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            throw new ArtifactNotFoundException(key);
        } catch (SdkException e) {
            throw new ArtifactStorageException("artifact storage unavailable: " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(Collection<String> keys) {
        List<String> all = List.copyOf(keys);
        for (int from = 0; from < all.size(); from += DELETE_BATCH) {
            List<ObjectIdentifier> batch = all.subList(from, Math.min(all.size(), from + DELETE_BATCH)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            try {
                var reply = s3.deleteObjects(d -> d.bucket(bucket).delete(Delete.builder().objects(batch).quiet(true)
                        .build()));
                if (reply.hasErrors() && !reply.errors().isEmpty()) {
                    throw new ArtifactStorageException("artifacts not deleted: " + reply.errors());
                }
            } catch (NoSuchBucketException e) {
                return;
            } catch (SdkException e) {
                throw new ArtifactStorageException("artifact storage unavailable: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public List<String> listOlderThan(Instant before, @Nullable String startAfter,
            int limit) {
        List<String> keys = new ArrayList<>();
        try {
            for (S3Object object : s3.listObjectsV2Paginator(l -> l.bucket(bucket).prefix(Artifact.prefix())
                    .startAfter(startAfter)).contents()) {
                Instant created = Artifact.taskCreatedAt(object.key());
                if (created != null && created.isAfter(before)) {
                    break;
                }
                if (object.lastModified() != null && object.lastModified().isBefore(before)) {
                    keys.add(object.key());
                    if (keys.size() >= limit) {
                        break;
                    }
                }
            }
            return keys;
        } catch (NoSuchBucketException e) {
            return keys;
        } catch (SdkException e) {
            throw new ArtifactStorageException("artifact storage unavailable: " + e.getMessage(), e);
        }
    }

    /** Lower-case hex, as {@link Artifact#sha256()}. */
    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
