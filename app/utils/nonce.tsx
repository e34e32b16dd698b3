// The request's CSP nonce (server/http/security.ts), for the inline scripts
// Remix renders. Only the server knows it: browsers hide nonce attributes
// from the page, so in the browser it is empty, which hydrates cleanly.
import { createContext, useContext } from "react";

export const NonceContext = createContext("");

export const useNonce = () => useContext(NonceContext);
