// Every operation the example client sends, written once. `npm run codegen` turns each into a typed
// document in ./gql (result and variable types checked against schema.graphql) and into the
// trusted-documents manifest.
import { graphql } from './gql/index.js';

export const SessionFields = graphql(`
  fragment SessionFields on AuthPayload {
    accessToken
    refreshToken
    user {
      id
      name
    }
  }
`);

export const SignUp = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      ...SessionFields
      ... on Error {
        code
        message
      }
    }
  }
`);

export const LogIn = graphql(`
  mutation LogIn($input: LogInInput!) {
    logIn(input: $input) {
      ...SessionFields
      ... on RateLimitedError {
        retryAfterSeconds
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

export const RefreshSession = graphql(`
  mutation RefreshSession($input: RefreshSessionInput!) {
    refreshSession(input: $input) {
      ...SessionFields
      ... on Error {
        code
        message
      }
    }
  }
`);

export const MyProjects = graphql(`
  query MyProjects($first: Int!) {
    viewer {
      id
      name
      projects(first: $first) {
        edges {
          node {
            id
            key
            name
            viewerRole
          }
        }
      }
    }
  }
`);

export const CreateProject = graphql(`
  mutation CreateProject($input: CreateProjectInput!) {
    createProject(input: $input) {
      ... on ProjectPayload {
        project {
          id
          key
          name
          viewerRole
        }
      }
      ... on ValidationError {
        fieldErrors {
          field
          message
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

export const IssueCard = graphql(`
  fragment IssueCard on Issue {
    id
    key
    title
    status
    priority
    version
    assignee {
      id
      name
    }
  }
`);

export const Board = graphql(`
  query Board($projectId: ID!, $first: Int!, $after: String, $filter: IssueFilter) {
    project(id: $projectId) {
      id
      key
      name
      issues(first: $first, after: $after, filter: $filter, orderBy: [{ field: NUMBER, direction: ASC }]) {
        totalCount
        edges {
          cursor
          node {
            ...IssueCard
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const IssuePage = graphql(`
  query IssuePage($id: ID!, $comments: Int!) {
    issue(id: $id) {
      ...IssueCard
      description
      updatedAt
      viewerCan {
        update
        comment
      }
      comments(first: $comments) {
        totalCount
        edges {
          node {
            id
            body
            deleted
            createdAt
            author {
              id
              name
            }
            replies(first: 20) {
              edges {
                node {
                  id
                  body
                  author {
                    id
                    name
                  }
                }
              }
            }
          }
        }
      }
    }
  }
`);

export const CreateIssue = graphql(`
  mutation CreateIssue($input: CreateIssueInput!) {
    createIssue(input: $input) {
      ... on IssuePayload {
        issue {
          ...IssueCard
        }
      }
      ... on ValidationError {
        fieldErrors {
          field
          message
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

export const UpdateIssue = graphql(`
  mutation UpdateIssue($input: UpdateIssueInput!) {
    updateIssue(input: $input) {
      ... on IssuePayload {
        issue {
          ...IssueCard
          updatedAt
        }
      }
      ... on ConflictError {
        currentIssue {
          ...IssueCard
          updatedAt
        }
      }
      ... on ValidationError {
        fieldErrors {
          field
          message
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

export const AddComment = graphql(`
  mutation AddComment($input: AddCommentInput!) {
    addComment(input: $input) {
      ... on CommentPayload {
        comment {
          id
          body
          author {
            id
            name
          }
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

export const ProjectActivity = graphql(`
  subscription ProjectActivity($projectId: ID!, $since: ID) {
    projectActivity(projectId: $projectId, since: $since) {
      __typename
      ... on Activity {
        eventId
        occurredAt
        actor {
          id
          name
        }
      }
      ... on IssueCreated {
        issue {
          ...IssueCard
        }
      }
      ... on IssueUpdated {
        changedFields
        issue {
          ...IssueCard
        }
      }
      ... on CommentAdded {
        comment {
          id
          body
        }
        issue {
          id
          key
        }
      }
    }
  }
`);
