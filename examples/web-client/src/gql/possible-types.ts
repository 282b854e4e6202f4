
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "Activity": [
      "CommentAdded",
      "CommentDeleted",
      "CommentEdited",
      "IssueArchived",
      "IssueCreated",
      "IssueDeleted",
      "IssueRestored",
      "IssueUnarchived",
      "IssueUpdated",
      "MemberAdded",
      "MemberRemoved",
      "MemberRoleChanged"
    ],
    "ActivityEvent": [
      "CommentAdded",
      "CommentDeleted",
      "CommentEdited",
      "IssueArchived",
      "IssueCreated",
      "IssueDeleted",
      "IssueRestored",
      "IssueUnarchived",
      "IssueUpdated",
      "MemberAdded",
      "MemberRemoved",
      "MemberRoleChanged"
    ],
    "AddCommentResult": [
      "CommentPayload",
      "ConflictError",
      "ForbiddenError",
      "NotFoundError",
      "ValidationError"
    ],
    "AddProjectMemberResult": [
      "ConflictError",
      "ForbiddenError",
      "NotFoundError",
      "ProjectMemberPayload",
      "RateLimitedError",
      "ValidationError"
    ],
    "ArchiveIssueResult": [
      "ForbiddenError",
      "IssuePayload",
      "NotFoundError",
      "ValidationError"
    ],
    "ArchiveProjectResult": [
      "ForbiddenError",
      "NotFoundError",
      "ProjectPayload",
      "ValidationError"
    ],
    "ChangePasswordResult": [
      "AuthPayload",
      "RateLimitedError",
      "ValidationError"
    ],
    "ChangeProjectMemberRoleResult": [
      "ConflictError",
      "ForbiddenError",
      "NotFoundError",
      "ProjectMemberPayload",
      "ValidationError"
    ],
    "CreateIssueResult": [
      "ConflictError",
      "ForbiddenError",
      "IssuePayload",
      "NotFoundError",
      "ValidationError"
    ],
    "CreateLabelResult": [
      "ConflictError",
      "ForbiddenError",
      "LabelPayload",
      "NotFoundError",
      "ValidationError"
    ],
    "CreateProjectResult": [
      "ConflictError",
      "ProjectPayload",
      "ValidationError"
    ],
    "DeactivateAccountResult": [
      "ConflictError",
      "DeactivateAccountPayload",
      "RateLimitedError",
      "ValidationError"
    ],
    "DeleteCommentResult": [
      "DeletePayload",
      "ForbiddenError",
      "NotFoundError",
      "ValidationError"
    ],
    "DeleteIssueResult": [
      "DeletePayload",
      "ForbiddenError",
      "NotFoundError",
      "ValidationError"
    ],
    "DeleteLabelResult": [
      "ConflictError",
      "DeletePayload",
      "ForbiddenError",
      "NotFoundError",
      "ValidationError"
    ],
    "DeleteProjectResult": [
      "DeletePayload",
      "ForbiddenError",
      "NotFoundError",
      "ValidationError"
    ],
    "Error": [
      "ConflictError",
      "ForbiddenError",
      "InvalidCredentialsError",
      "NotFoundError",
      "RateLimitedError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "LeaveProjectResult": [
      "ConflictError",
      "ForbiddenError",
      "NotFoundError",
      "RemoveProjectMemberPayload",
      "ValidationError"
    ],
    "LogInResult": [
      "AuthPayload",
      "InvalidCredentialsError",
      "RateLimitedError",
      "ValidationError"
    ],
    "Node": [
      "Comment",
      "Issue",
      "IssueEvent",
      "Label",
      "Project",
      "ProjectMember",
      "User"
    ],
    "RefreshSessionResult": [
      "AuthPayload",
      "UnauthenticatedError"
    ],
    "RemoveProjectMemberResult": [
      "ConflictError",
      "ForbiddenError",
      "NotFoundError",
      "RemoveProjectMemberPayload",
      "ValidationError"
    ],
    "RestoreIssueResult": [
      "ForbiddenError",
      "IssuePayload",
      "NotFoundError",
      "ValidationError"
    ],
    "SignUpResult": [
      "AuthPayload",
      "ConflictError",
      "RateLimitedError",
      "ValidationError"
    ],
    "TransferProjectOwnershipResult": [
      "ForbiddenError",
      "NotFoundError",
      "ProjectPayload",
      "ValidationError"
    ],
    "UnarchiveIssueResult": [
      "ForbiddenError",
      "IssuePayload",
      "NotFoundError",
      "ValidationError"
    ],
    "UnarchiveProjectResult": [
      "ForbiddenError",
      "NotFoundError",
      "ProjectPayload",
      "ValidationError"
    ],
    "UpdateCommentResult": [
      "CommentPayload",
      "ForbiddenError",
      "NotFoundError",
      "ValidationError"
    ],
    "UpdateIssueResult": [
      "ConflictError",
      "ForbiddenError",
      "IssuePayload",
      "NotFoundError",
      "ValidationError"
    ],
    "UpdateIssuesItemResult": [
      "ForbiddenError",
      "Issue",
      "NotFoundError",
      "ValidationError"
    ],
    "UpdateIssuesResult": [
      "UpdateIssuesPayload",
      "ValidationError"
    ],
    "UpdateLabelResult": [
      "ConflictError",
      "ForbiddenError",
      "LabelPayload",
      "NotFoundError",
      "ValidationError"
    ],
    "UpdateProfileResult": [
      "ConflictError",
      "RateLimitedError",
      "UpdateProfilePayload",
      "ValidationError"
    ],
    "UpdateProjectResult": [
      "ForbiddenError",
      "NotFoundError",
      "ProjectPayload",
      "ValidationError"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "Activity": [
      "CommentAdded",
      "CommentDeleted",
      "CommentEdited",
      "IssueArchived",
      "IssueCreated",
      "IssueDeleted",
      "IssueRestored",
      "IssueUnarchived",
      "IssueUpdated",
      "MemberAdded",
      "MemberRemoved",
      "MemberRoleChanged"
    ],
    "ActivityEvent": [
      "CommentAdded",
      "CommentDeleted",
      "CommentEdited",
      "IssueArchived",
      "IssueCreated",
      "IssueDeleted",
      "IssueRestored",
      "IssueUnarchived",
      "IssueUpdated",
      "MemberAdded",
      "MemberRemoved",
      "MemberRoleChanged"
    ],
    "AddCommentResult": [
      "CommentPayload",
      "ConflictError",
      "ForbiddenError",
      "NotFoundError",
      "ValidationError"
    ],
    "AddProjectMemberResult": [
      "ConflictError",
      "ForbiddenError",
      "NotFoundError",
      "ProjectMemberPayload",
      "RateLimitedError",
      "ValidationError"
    ],
    "ArchiveIssueResult": [
      "ForbiddenError",
      "IssuePayload",
      "NotFoundError",
      "ValidationError"
    ],
    "ArchiveProjectResult": [
      "ForbiddenError",
      "NotFoundError",
      "ProjectPayload",
      "ValidationError"
    ],
    "ChangePasswordResult": [
      "AuthPayload",
      "RateLimitedError",
      "ValidationError"
    ],
    "ChangeProjectMemberRoleResult": [
      "ConflictError",
      "ForbiddenError",
      "NotFoundError",
      "ProjectMemberPayload",
      "ValidationError"
    ],
    "CreateIssueResult": [
      "ConflictError",
      "ForbiddenError",
      "IssuePayload",
      "NotFoundError",
      "ValidationError"
    ],
    "CreateLabelResult": [
      "ConflictError",
      "ForbiddenError",
      "LabelPayload",
      "NotFoundError",
      "ValidationError"
    ],
    "CreateProjectResult": [
      "ConflictError",
      "ProjectPayload",
      "ValidationError"
    ],
    "DeactivateAccountResult": [
      "ConflictError",
      "DeactivateAccountPayload",
      "RateLimitedError",
      "ValidationError"
    ],
    "DeleteCommentResult": [
      "DeletePayload",
      "ForbiddenError",
      "NotFoundError",
      "ValidationError"
    ],
    "DeleteIssueResult": [
      "DeletePayload",
      "ForbiddenError",
      "NotFoundError",
      "ValidationError"
    ],
    "DeleteLabelResult": [
      "ConflictError",
      "DeletePayload",
      "ForbiddenError",
      "NotFoundError",
      "ValidationError"
    ],
    "DeleteProjectResult": [
      "DeletePayload",
      "ForbiddenError",
      "NotFoundError",
      "ValidationError"
    ],
    "Error": [
      "ConflictError",
      "ForbiddenError",
      "InvalidCredentialsError",
      "NotFoundError",
      "RateLimitedError",
      "UnauthenticatedError",
      "ValidationError"
    ],
    "LeaveProjectResult": [
      "ConflictError",
      "ForbiddenError",
      "NotFoundError",
      "RemoveProjectMemberPayload",
      "ValidationError"
    ],
    "LogInResult": [
      "AuthPayload",
      "InvalidCredentialsError",
      "RateLimitedError",
      "ValidationError"
    ],
    "Node": [
      "Comment",
      "Issue",
      "IssueEvent",
      "Label",
      "Project",
      "ProjectMember",
      "User"
    ],
    "RefreshSessionResult": [
      "AuthPayload",
      "UnauthenticatedError"
    ],
    "RemoveProjectMemberResult": [
      "ConflictError",
      "ForbiddenError",
      "NotFoundError",
      "RemoveProjectMemberPayload",
      "ValidationError"
    ],
    "RestoreIssueResult": [
      "ForbiddenError",
      "IssuePayload",
      "NotFoundError",
      "ValidationError"
    ],
    "SignUpResult": [
      "AuthPayload",
      "ConflictError",
      "RateLimitedError",
      "ValidationError"
    ],
    "TransferProjectOwnershipResult": [
      "ForbiddenError",
      "NotFoundError",
      "ProjectPayload",
      "ValidationError"
    ],
    "UnarchiveIssueResult": [
      "ForbiddenError",
      "IssuePayload",
      "NotFoundError",
      "ValidationError"
    ],
    "UnarchiveProjectResult": [
      "ForbiddenError",
      "NotFoundError",
      "ProjectPayload",
      "ValidationError"
    ],
    "UpdateCommentResult": [
      "CommentPayload",
      "ForbiddenError",
      "NotFoundError",
      "ValidationError"
    ],
    "UpdateIssueResult": [
      "ConflictError",
      "ForbiddenError",
      "IssuePayload",
      "NotFoundError",
      "ValidationError"
    ],
    "UpdateIssuesItemResult": [
      "ForbiddenError",
      "Issue",
      "NotFoundError",
      "ValidationError"
    ],
    "UpdateIssuesResult": [
      "UpdateIssuesPayload",
      "ValidationError"
    ],
    "UpdateLabelResult": [
      "ConflictError",
      "ForbiddenError",
      "LabelPayload",
      "NotFoundError",
      "ValidationError"
    ],
    "UpdateProfileResult": [
      "ConflictError",
      "RateLimitedError",
      "UpdateProfilePayload",
      "ValidationError"
    ],
    "UpdateProjectResult": [
      "ForbiddenError",
      "NotFoundError",
      "ProjectPayload",
      "ValidationError"
    ]
  }
};
      export default result;
    