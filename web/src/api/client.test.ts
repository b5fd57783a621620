import { afterEach, describe, expect, it, vi } from "vitest";
import { api, ApiError, readCookie, request } from "./client";

afterEach(() => {
  vi.unstubAllGlobals();
  document.cookie = "XSRF-TOKEN=; expires=Thu, 01 Jan 1970 00:00:00 GMT";
});

function stubFetch(response: Response) {
  const calls: [string, RequestInit][] = [];
  vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
    calls.push([url, init]);
    return response;
  });
  return calls;
}

describe("api client", () => {
  it("reads the antiforgery cookie among others", () => {
    expect(readCookie("XSRF-TOKEN", "a=1; XSRF-TOKEN=abc%3D%3D; b=2")).toBe("abc==");
    expect(readCookie("XSRF-TOKEN", "a=1")).toBeNull();
  });

  it("sends X-XSRF-TOKEN on writes, not on reads", async () => {
    document.cookie = "XSRF-TOKEN=tok123";
    const calls = stubFetch(new Response(null, { status: 204 }));
    await api.saveDraft("deadlock-transfer", "code");
    await api.katas().catch(() => undefined);
    expect((calls[0][1].headers as Record<string, string>)["X-XSRF-TOKEN"]).toBe("tok123");
    expect((calls[1][1].headers as Record<string, string>)["X-XSRF-TOKEN"]).toBeUndefined();
  });

  it("uploads a zip as its own bytes, with the antiforgery header", async () => {
    document.cookie = "XSRF-TOKEN=tok123";
    const calls = stubFetch(new Response(JSON.stringify({ id: "my-counter" }), { status: 201 }));
    const zip = new Blob([new Uint8Array([0x50, 0x4b, 3, 4])], { type: "application/zip" });
    await request("POST", "/api/authoring/katas/import", zip);
    const headers = calls[0][1].headers as Record<string, string>;
    expect(calls[0][1].body).toBe(zip);
    expect(headers["Content-Type"]).toBe("application/zip");
    expect(headers["X-XSRF-TOKEN"]).toBe("tok123");
  });

  it("sends an Idempotency-Key with each submission", async () => {
    const calls = stubFetch(new Response(JSON.stringify({ id: "1", status: "queued" }), { status: 202 }));
    await api.submit("k", "code", "submit");
    expect((calls[0][1].headers as Record<string, string>)["Idempotency-Key"]).toMatch(/^[0-9a-f-]{32,36}$/);
  });

  it("turns ProblemDetails into readable messages, field errors included", async () => {
    stubFetch(new Response(JSON.stringify({ title: "Sign-up failed", detail: "Check the fields.", errors: { password: ["At least 8 characters."] } }),
      { status: 400, headers: { "Content-Type": "application/problem+json" } }));
    const error = await api.signUp("a@b.c", "x").catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.messages).toEqual(["Check the fields.", "At least 8 characters."]);
  });

  it("says when to retry on 429", async () => {
    stubFetch(new Response(JSON.stringify({ title: "Too many requests" }), { status: 429, headers: { "Retry-After": "30" } }));
    const error = await api.submit("k", "c", "run").catch((e) => e);
    expect(error.messages.join(" ")).toContain("30 s");
  });

  it("answers a missing draft with null, not an error", async () => {
    stubFetch(new Response(JSON.stringify({ title: "Not Found" }), { status: 404 }));
    expect(await api.draft("k")).toBeNull();
  });
});
