/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment SessionFields on AuthPayload {\n    accessToken\n    refreshToken\n    user {\n      id\n      name\n    }\n  }\n": typeof types.SessionFieldsFragmentDoc,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...SessionFields\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n": typeof types.SignUpDocument,
    "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      ...SessionFields\n      ... on RateLimitedError {\n        retryAfterSeconds\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n": typeof types.LogInDocument,
    "\n  mutation RefreshSession($input: RefreshSessionInput!) {\n    refreshSession(input: $input) {\n      ...SessionFields\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n": typeof types.RefreshSessionDocument,
    "\n  query MyProjects($first: Int!) {\n    viewer {\n      id\n      name\n      projects(first: $first) {\n        edges {\n          node {\n            id\n            key\n            name\n            viewerRole\n          }\n        }\n      }\n    }\n  }\n": typeof types.MyProjectsDocument,
    "\n  mutation CreateProject($input: CreateProjectInput!) {\n    createProject(input: $input) {\n      ... on ProjectPayload {\n        project {\n          id\n          key\n          name\n          viewerRole\n        }\n      }\n      ... on ValidationError {\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n": typeof types.CreateProjectDocument,
    "\n  fragment IssueCard on Issue {\n    id\n    key\n    title\n    status\n    priority\n    version\n    assignee {\n      id\n      name\n    }\n  }\n": typeof types.IssueCardFragmentDoc,
    "\n  query Board($projectId: ID!, $first: Int!, $after: String, $filter: IssueFilter) {\n    project(id: $projectId) {\n      id\n      key\n      name\n      issues(first: $first, after: $after, filter: $filter, orderBy: [{ field: NUMBER, direction: ASC }]) {\n        totalCount\n        edges {\n          cursor\n          node {\n            ...IssueCard\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.BoardDocument,
    "\n  query IssuePage($id: ID!, $comments: Int!) {\n    issue(id: $id) {\n      ...IssueCard\n      description\n      updatedAt\n      viewerCan {\n        update\n        comment\n      }\n      comments(first: $comments) {\n        totalCount\n        edges {\n          node {\n            id\n            body\n            deleted\n            createdAt\n            author {\n              id\n              name\n            }\n            replies(first: 20) {\n              edges {\n                node {\n                  id\n                  body\n                  author {\n                    id\n                    name\n                  }\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.IssuePageDocument,
    "\n  mutation CreateIssue($input: CreateIssueInput!) {\n    createIssue(input: $input) {\n      ... on IssuePayload {\n        issue {\n          ...IssueCard\n        }\n      }\n      ... on ValidationError {\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n": typeof types.CreateIssueDocument,
    "\n  mutation UpdateIssue($input: UpdateIssueInput!) {\n    updateIssue(input: $input) {\n      ... on IssuePayload {\n        issue {\n          ...IssueCard\n          updatedAt\n        }\n      }\n      ... on ConflictError {\n        currentIssue {\n          ...IssueCard\n          updatedAt\n        }\n      }\n      ... on ValidationError {\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n": typeof types.UpdateIssueDocument,
    "\n  mutation AddComment($input: AddCommentInput!) {\n    addComment(input: $input) {\n      ... on CommentPayload {\n        comment {\n          id\n          body\n          author {\n            id\n            name\n          }\n        }\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n": typeof types.AddCommentDocument,
    "\n  subscription ProjectActivity($projectId: ID!, $since: ID) {\n    projectActivity(projectId: $projectId, since: $since) {\n      __typename\n      ... on Activity {\n        eventId\n        occurredAt\n        actor {\n          id\n          name\n        }\n      }\n      ... on IssueCreated {\n        issue {\n          ...IssueCard\n        }\n      }\n      ... on IssueUpdated {\n        changedFields\n        issue {\n          ...IssueCard\n        }\n      }\n      ... on CommentAdded {\n        comment {\n          id\n          body\n        }\n        issue {\n          id\n          key\n        }\n      }\n    }\n  }\n": typeof types.ProjectActivityDocument,
};
const documents: Documents = {
    "\n  fragment SessionFields on AuthPayload {\n    accessToken\n    refreshToken\n    user {\n      id\n      name\n    }\n  }\n": types.SessionFieldsFragmentDoc,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...SessionFields\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n": types.SignUpDocument,
    "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      ...SessionFields\n      ... on RateLimitedError {\n        retryAfterSeconds\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n": types.LogInDocument,
    "\n  mutation RefreshSession($input: RefreshSessionInput!) {\n    refreshSession(input: $input) {\n      ...SessionFields\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n": types.RefreshSessionDocument,
    "\n  query MyProjects($first: Int!) {\n    viewer {\n      id\n      name\n      projects(first: $first) {\n        edges {\n          node {\n            id\n            key\n            name\n            viewerRole\n          }\n        }\n      }\n    }\n  }\n": types.MyProjectsDocument,
    "\n  mutation CreateProject($input: CreateProjectInput!) {\n    createProject(input: $input) {\n      ... on ProjectPayload {\n        project {\n          id\n          key\n          name\n          viewerRole\n        }\n      }\n      ... on ValidationError {\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n": types.CreateProjectDocument,
    "\n  fragment IssueCard on Issue {\n    id\n    key\n    title\n    status\n    priority\n    version\n    assignee {\n      id\n      name\n    }\n  }\n": types.IssueCardFragmentDoc,
    "\n  query Board($projectId: ID!, $first: Int!, $after: String, $filter: IssueFilter) {\n    project(id: $projectId) {\n      id\n      key\n      name\n      issues(first: $first, after: $after, filter: $filter, orderBy: [{ field: NUMBER, direction: ASC }]) {\n        totalCount\n        edges {\n          cursor\n          node {\n            ...IssueCard\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.BoardDocument,
    "\n  query IssuePage($id: ID!, $comments: Int!) {\n    issue(id: $id) {\n      ...IssueCard\n      description\n      updatedAt\n      viewerCan {\n        update\n        comment\n      }\n      comments(first: $comments) {\n        totalCount\n        edges {\n          node {\n            id\n            body\n            deleted\n            createdAt\n            author {\n              id\n              name\n            }\n            replies(first: 20) {\n              edges {\n                node {\n                  id\n                  body\n                  author {\n                    id\n                    name\n                  }\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": types.IssuePageDocument,
    "\n  mutation CreateIssue($input: CreateIssueInput!) {\n    createIssue(input: $input) {\n      ... on IssuePayload {\n        issue {\n          ...IssueCard\n        }\n      }\n      ... on ValidationError {\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n": types.CreateIssueDocument,
    "\n  mutation UpdateIssue($input: UpdateIssueInput!) {\n    updateIssue(input: $input) {\n      ... on IssuePayload {\n        issue {\n          ...IssueCard\n          updatedAt\n        }\n      }\n      ... on ConflictError {\n        currentIssue {\n          ...IssueCard\n          updatedAt\n        }\n      }\n      ... on ValidationError {\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n": types.UpdateIssueDocument,
    "\n  mutation AddComment($input: AddCommentInput!) {\n    addComment(input: $input) {\n      ... on CommentPayload {\n        comment {\n          id\n          body\n          author {\n            id\n            name\n          }\n        }\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n": types.AddCommentDocument,
    "\n  subscription ProjectActivity($projectId: ID!, $since: ID) {\n    projectActivity(projectId: $projectId, since: $since) {\n      __typename\n      ... on Activity {\n        eventId\n        occurredAt\n        actor {\n          id\n          name\n        }\n      }\n      ... on IssueCreated {\n        issue {\n          ...IssueCard\n        }\n      }\n      ... on IssueUpdated {\n        changedFields\n        issue {\n          ...IssueCard\n        }\n      }\n      ... on CommentAdded {\n        comment {\n          id\n          body\n        }\n        issue {\n          id\n          key\n        }\n      }\n    }\n  }\n": types.ProjectActivityDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionFields on AuthPayload {\n    accessToken\n    refreshToken\n    user {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment SessionFields on AuthPayload {\n    accessToken\n    refreshToken\n    user {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...SessionFields\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...SessionFields\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      ...SessionFields\n      ... on RateLimitedError {\n        retryAfterSeconds\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      ...SessionFields\n      ... on RateLimitedError {\n        retryAfterSeconds\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshSession($input: RefreshSessionInput!) {\n    refreshSession(input: $input) {\n      ...SessionFields\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RefreshSession($input: RefreshSessionInput!) {\n    refreshSession(input: $input) {\n      ...SessionFields\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyProjects($first: Int!) {\n    viewer {\n      id\n      name\n      projects(first: $first) {\n        edges {\n          node {\n            id\n            key\n            name\n            viewerRole\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyProjects($first: Int!) {\n    viewer {\n      id\n      name\n      projects(first: $first) {\n        edges {\n          node {\n            id\n            key\n            name\n            viewerRole\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateProject($input: CreateProjectInput!) {\n    createProject(input: $input) {\n      ... on ProjectPayload {\n        project {\n          id\n          key\n          name\n          viewerRole\n        }\n      }\n      ... on ValidationError {\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateProject($input: CreateProjectInput!) {\n    createProject(input: $input) {\n      ... on ProjectPayload {\n        project {\n          id\n          key\n          name\n          viewerRole\n        }\n      }\n      ... on ValidationError {\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment IssueCard on Issue {\n    id\n    key\n    title\n    status\n    priority\n    version\n    assignee {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment IssueCard on Issue {\n    id\n    key\n    title\n    status\n    priority\n    version\n    assignee {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Board($projectId: ID!, $first: Int!, $after: String, $filter: IssueFilter) {\n    project(id: $projectId) {\n      id\n      key\n      name\n      issues(first: $first, after: $after, filter: $filter, orderBy: [{ field: NUMBER, direction: ASC }]) {\n        totalCount\n        edges {\n          cursor\n          node {\n            ...IssueCard\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Board($projectId: ID!, $first: Int!, $after: String, $filter: IssueFilter) {\n    project(id: $projectId) {\n      id\n      key\n      name\n      issues(first: $first, after: $after, filter: $filter, orderBy: [{ field: NUMBER, direction: ASC }]) {\n        totalCount\n        edges {\n          cursor\n          node {\n            ...IssueCard\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IssuePage($id: ID!, $comments: Int!) {\n    issue(id: $id) {\n      ...IssueCard\n      description\n      updatedAt\n      viewerCan {\n        update\n        comment\n      }\n      comments(first: $comments) {\n        totalCount\n        edges {\n          node {\n            id\n            body\n            deleted\n            createdAt\n            author {\n              id\n              name\n            }\n            replies(first: 20) {\n              edges {\n                node {\n                  id\n                  body\n                  author {\n                    id\n                    name\n                  }\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query IssuePage($id: ID!, $comments: Int!) {\n    issue(id: $id) {\n      ...IssueCard\n      description\n      updatedAt\n      viewerCan {\n        update\n        comment\n      }\n      comments(first: $comments) {\n        totalCount\n        edges {\n          node {\n            id\n            body\n            deleted\n            createdAt\n            author {\n              id\n              name\n            }\n            replies(first: 20) {\n              edges {\n                node {\n                  id\n                  body\n                  author {\n                    id\n                    name\n                  }\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateIssue($input: CreateIssueInput!) {\n    createIssue(input: $input) {\n      ... on IssuePayload {\n        issue {\n          ...IssueCard\n        }\n      }\n      ... on ValidationError {\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateIssue($input: CreateIssueInput!) {\n    createIssue(input: $input) {\n      ... on IssuePayload {\n        issue {\n          ...IssueCard\n        }\n      }\n      ... on ValidationError {\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateIssue($input: UpdateIssueInput!) {\n    updateIssue(input: $input) {\n      ... on IssuePayload {\n        issue {\n          ...IssueCard\n          updatedAt\n        }\n      }\n      ... on ConflictError {\n        currentIssue {\n          ...IssueCard\n          updatedAt\n        }\n      }\n      ... on ValidationError {\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateIssue($input: UpdateIssueInput!) {\n    updateIssue(input: $input) {\n      ... on IssuePayload {\n        issue {\n          ...IssueCard\n          updatedAt\n        }\n      }\n      ... on ConflictError {\n        currentIssue {\n          ...IssueCard\n          updatedAt\n        }\n      }\n      ... on ValidationError {\n        fieldErrors {\n          field\n          message\n        }\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddComment($input: AddCommentInput!) {\n    addComment(input: $input) {\n      ... on CommentPayload {\n        comment {\n          id\n          body\n          author {\n            id\n            name\n          }\n        }\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AddComment($input: AddCommentInput!) {\n    addComment(input: $input) {\n      ... on CommentPayload {\n        comment {\n          id\n          body\n          author {\n            id\n            name\n          }\n        }\n      }\n      ... on Error {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ProjectActivity($projectId: ID!, $since: ID) {\n    projectActivity(projectId: $projectId, since: $since) {\n      __typename\n      ... on Activity {\n        eventId\n        occurredAt\n        actor {\n          id\n          name\n        }\n      }\n      ... on IssueCreated {\n        issue {\n          ...IssueCard\n        }\n      }\n      ... on IssueUpdated {\n        changedFields\n        issue {\n          ...IssueCard\n        }\n      }\n      ... on CommentAdded {\n        comment {\n          id\n          body\n        }\n        issue {\n          id\n          key\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ProjectActivity($projectId: ID!, $since: ID) {\n    projectActivity(projectId: $projectId, since: $since) {\n      __typename\n      ... on Activity {\n        eventId\n        occurredAt\n        actor {\n          id\n          name\n        }\n      }\n      ... on IssueCreated {\n        issue {\n          ...IssueCard\n        }\n      }\n      ... on IssueUpdated {\n        changedFields\n        issue {\n          ...IssueCard\n        }\n      }\n      ... on CommentAdded {\n        comment {\n          id\n          body\n        }\n        issue {\n          id\n          key\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;