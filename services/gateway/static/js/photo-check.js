// A photo is checked the moment it is chosen (picked, dropped or pasted): its size against the gateway's upload
// limit, and whether it is an image this browser can decode (a text file renamed .jpg is not). The answer is a
// sentence shown beside the photo box, before anything is sent; the server still has the last word.

// The gateway's default limit for one photo (GATEWAY_MAX_PHOTO_BYTES): a bigger photo is refused here rather than after
// megabytes were sent (the server may reset such an upload mid-way).
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
// An album's photos together (GATEWAY_MAX_UPLOAD_BYTES, the whole request), less room for the form's other parts.
export const MAX_ALBUM_BYTES = 40 * 1024 * 1024 - 64 * 1024;
const NOT_A_PHOTO = "isn't a photo we can read. Choose a JPEG, PNG or WebP image.";

function called(file) {
  return file.name ? `"${file.name}"` : "That file";
}

/** null for a photo that can be sent, else the sentence that says why not and what to do. */
export async function photoProblem(file) {
  if (file.size > MAX_UPLOAD_BYTES) {
    const megabytes = (file.size / (1024 * 1024)).toFixed(1);
    return `${called(file)} is ${megabytes} MB: the limit is 10 MB. Choose a smaller copy of it (a screenshot works).`;
  }
  if (file.size === 0) return `${called(file)} is empty. Choose a JPEG, PNG or WebP image.`;
  if (file.type && !file.type.startsWith("image/")) return `${called(file)} ${NOT_A_PHOTO}`;
  try {
    const bitmap = await createImageBitmap(file); // decodes it: the file's content, not its name, decides
    bitmap.close();
  } catch {
    return `${called(file)} ${NOT_A_PHOTO}`;
  }
  return null;
}
