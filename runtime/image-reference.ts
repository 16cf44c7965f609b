/**
 * @module image-reference
 * Whether a container image is a reference the kubelet can pull: the grammar of
 * distribution/reference (`[host[:port]/]path[:tag][@digest]`), as the kubelet's
 * ParseNormalizedNamed reads it. The API server checks only that an image has no surrounding
 * space, so a Deployment with `--image "a b"` or `--image My/App:1` is accepted and every pod
 * then stops in `InvalidImageName`; `podfn manifests` refuses such an `--image` instead.
 */

// distribution/reference's regexp.go, piece by piece.
const ALPHANUMERIC = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|[-]+)";
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const IPV6 = "\\[(?:[a-fA-F0-9:]+)\\]";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|${IPV6})(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(`^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::${TAG})?(?:@${DIGEST})?$`);
/** reference.NameTotalLengthMax: the name (host and path) is at most 255 characters. */
const MAX_NAME = 255;
/** A bare 64-hex-digit name is an image ID, which ParseNormalizedNamed refuses as a name. */
const IMAGE_ID = /^[a-f0-9]{64}$/;

/** Why the kubelet would refuse `image`, or undefined when it is a valid reference. */
export function imageReferenceProblem(image: string): string | undefined {
  const match = REFERENCE.exec(image);
  if (!match) return IMAGE_MESSAGE;
  if (match[1]!.length > MAX_NAME) return `must name the image in at most ${MAX_NAME} characters (registry and path)`;
  if (IMAGE_ID.test(image)) return "must name a repository, not an image ID of 64 hex digits";
  return undefined;
}

/** Whether `value` is an image reference the kubelet can pull (`imageReferenceProblem` finds none). */
export const isImageReference = (value: unknown): boolean => typeof value === "string" && imageReferenceProblem(value) === undefined;

export const IMAGE_MESSAGE =
  "must be an image reference, [registry[:port]/]path[:tag][@digest] with a lower-case path, such as registry.example.com/ops/podfn:1.0 (the kubelet refuses any other: the pods would stop in InvalidImageName)";
