// Where the server sends a request whose URL cannot be decoded (`/%`,
// `/help/%ZZ`): the app's own error page, in the reader's language, with the
// signed-in header, instead of Express's bare "Bad Request".
export function loader() {
  throw new Response("errors.malformedUrl", { status: 400 });
}

// A page route (not a resource route), so the thrown response renders the app's error boundary.
export default function MalformedUrl() {
  return null;
}
