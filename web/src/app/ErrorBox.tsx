import { ApiError } from "../api/client";

/** An error a person can read: ProblemDetails title, detail and field errors. */
export function ErrorBox({ error, title, id }: { error: unknown; title?: string; id?: string }) {
  const messages = error instanceof ApiError ? error.messages : [error instanceof Error ? error.message : String(error)];
  const heading = title ?? (error instanceof ApiError ? error.title : "Something went wrong");
  return (
    <div className="error-box" role="alert" id={id}>
      <strong>{heading}</strong>
      {messages.filter((m) => m !== heading).map((m, i) => <div key={i}>{m}</div>)}
    </div>
  );
}
