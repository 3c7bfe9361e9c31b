import { ContextConsumer } from '@lit/context';
import { Task } from '@lit/task';
import { html, LitElement, nothing } from 'lit';
import { awsSessionContext } from '../../app/contexts.ts';
import type { AwsSession } from '../../aws/aws-session.ts';
import { CommentCountBatcher } from '../../data/comment-count-batcher.ts';
import { getCommentCounts, type PostRef, parsePostRef } from '../../data/comments.ts';

/** One batcher per session: every count element on a page shares its requests. */
const batchers = new WeakMap<AwsSession, CommentCountBatcher>();

function batcherFor(session: AwsSession): CommentCountBatcher {
  let batcher = batchers.get(session);
  if (!batcher) {
    batcher = new CommentCountBatcher((refs) => {
      const posts = refs.map(parsePostRef).filter((post): post is PostRef => post !== null);
      return getCommentCounts(
        { documents: session.clients().documents, tableName: session.config.tableName },
        posts,
      );
    });
    batchers.set(session, batcher);
  }
  return batcher;
}

/**
 * "3 comments" for a post, for index pages. All the counts a page shows are fetched together in one
 * BatchGetItem (per 100 posts). Reads the session from `awsSessionContext`.
 *
 * @attr post - `<authorId>/<slug>` of the post.
 * @csspart count - The text.
 */
export class InkCommentCount extends LitElement {
  static override properties = { post: {} };

  declare post: string;
  readonly #session = new ContextConsumer(this, { context: awsSessionContext, subscribe: true });

  constructor() {
    super();
    this.post = '';
  }

  readonly #count = new Task(this, {
    args: () => [this.#session.value, this.post] as const,
    task: async ([session, post]) => {
      if (!session || !parsePostRef(post)) return undefined;
      return batcherFor(session).count(post);
    },
  });

  override render() {
    return this.#count.render({
      pending: () => nothing,
      error: () => nothing,
      complete: (count) =>
        count === undefined
          ? nothing
          : html`<span part="count" data-count=${count}>${count === 1 ? '1 comment' : `${count} comments`}</span>`,
    });
  }
}
