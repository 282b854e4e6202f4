// Full-text search of issues: Query.searchIssues, a connection whose edges carry the hit's rank and
// a highlighted snippet next to the issue (the way GitHub and Linear expose search hits).
import { queryFromInfo } from '@pothos/plugin-prisma';
import { builder } from '../builder.js';
import { actor } from '../context.js';
import { searchConnection, searchPage } from '../paging.js';
import { IssueFilterRef, toIssueFilter } from './issue-filter.js';
import { IssueRef } from './issue.js';
import { HIGHLIGHT, searchIssues } from '../../services/search.js';

builder.queryFields((t) => ({
  searchIssues: t.withAuth({ authenticated: true }).connection(
    {
      type: IssueRef,
      description:
        `Issues of your projects matching \`query\`, best match first: a title match ranks above a description match, ` +
        `which ranks above a match in a comment. Web search syntax: words (all must match, stemmed: "crash" finds ` +
        `"crashes"), "quoted phrases", \`or\`, \`-word\` to exclude; the last word also matches as a prefix ` +
        `("kang" finds "kangaroo"). At most SEARCH_MAX_LENGTH characters (256 by default); a blank query is BAD_USER_INPUT. ` +
        `\`filter\` narrows as in \`issues\` (archived issues only when it asks).`,
      args: {
        query: t.arg.string({ required: true, description: "The search box's text (1 to SEARCH_MAX_LENGTH characters, 256 by default)." }),
        filter: t.arg({ type: IssueFilterRef }),
      },
      resolve: async (_root, args, context, info) => {
        const page = searchPage(args);
        const selection = queryFromInfo({ context, info, typeName: 'Issue', path: ['edges', 'node'] });
        return searchConnection(
          await searchIssues(actor(context), { query: args.query, filter: toIssueFilter(args.filter), page }, selection),
          page,
        );
      },
    },
    { name: 'IssueSearchConnection', description: 'A page of search hits, best match first.' },
    {
      name: 'IssueSearchEdge',
      description: 'One search hit: the issue, how well it matched, and where.',
      fields: (edge) => ({
        rank: edge.exposeFloat('rank', {
          description: 'PostgreSQL ts_rank of the match (title weighs most, then description, then comments); higher is better.',
        }),
        snippet: edge.exposeString('snippet', {
          description:
            `HTML: an excerpt of up to 35 words of the title and description around the best match, text escaped ` +
            `(markup-like tags dropped), each match wrapped in ${HIGHLIGHT.start}…${HIGHLIGHT.stop}. When only a ` +
            `comment matched, it is the start of the text, unmarked.`,
        }),
      }),
    },
  ),
}));
