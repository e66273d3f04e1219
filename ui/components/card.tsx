import type { Child } from 'hono/jsx';

export interface CardProps {
  title?: string;
  description?: Child;
  id?: string;
  children?: Child;
  /** Heading level of the title (2 by default). */
  level?: 2 | 3;
}

/** A titled section of a page; `id` lets htmx swap the whole card. */
export function Card({ title, description, id, children, level = 2 }: CardProps) {
  const headingId = id && title ? `${id}-title` : undefined;
  return (
    <section class="card" id={id} aria-labelledby={headingId}>
      {title ? (
        <header>
          {level === 2 ? <h2 id={headingId}>{title}</h2> : <h3 id={headingId}>{title}</h3>}
          {description ? <p>{description}</p> : null}
        </header>
      ) : null}
      {children}
    </section>
  );
}
