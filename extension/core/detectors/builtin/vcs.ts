// Source hosting and work tracking: GitHub, GitLab, Atlassian, Linear.
import type { DetectorSpec } from '../types';
import { END, START } from './fragments';

function prefixed(id: string, description: string, prefix: string, body: string, minEntropy = 3.5): DetectorSpec {
  return {
    id,
    description,
    keywords: [prefix.toLowerCase()],
    pattern: new RegExp(`${START}${prefix.replace(/[.]/g, '\\.')}${body}${END}`),
    minEntropy,
    priority: 20,
  };
}

export const VCS_DETECTORS: DetectorSpec[] = [
  prefixed('github-pat-classic', 'GitHub personal access token, classic (ghp_…)', 'ghp_', '[A-Za-z0-9]{36}'),
  prefixed('github-pat-fine-grained', 'GitHub fine-grained personal access token (github_pat_…)', 'github_pat_', '[A-Za-z0-9]{22}_[A-Za-z0-9]{59}'),
  prefixed('github-oauth-token', 'GitHub OAuth access token (gho_…)', 'gho_', '[A-Za-z0-9]{36}'),
  prefixed('github-user-to-server-token', 'GitHub App user-to-server token (ghu_…)', 'ghu_', '[A-Za-z0-9]{36}'),
  prefixed('github-app-installation-token', 'GitHub App installation (server-to-server) token (ghs_…)', 'ghs_', '[A-Za-z0-9]{36}'),
  prefixed('github-refresh-token', 'GitHub App refresh token (ghr_…)', 'ghr_', '[A-Za-z0-9]{36,76}'),
  prefixed('gitlab-pat', 'GitLab personal, project or group access token (glpat-…)', 'glpat-', '[A-Za-z0-9_.-]{20,80}'),
  {
    id: 'gitlab-runner-token',
    description: 'GitLab runner authentication token (glrt-…) or legacy registration token (GR1348941…)',
    keywords: ['glrt-', 'gr1348941'],
    pattern: new RegExp(`${START}(?:glrt-|GR1348941)[A-Za-z0-9_.-]{20,80}${END}`),
    minEntropy: 3.5,
    priority: 20,
  },
  prefixed('gitlab-deploy-token', 'GitLab deploy token (gldt-…)', 'gldt-', '[A-Za-z0-9_.-]{20,80}'),
  prefixed('gitlab-pipeline-trigger-token', 'GitLab pipeline trigger token (glptt-…)', 'glptt-', '[A-Za-z0-9_-]{20,64}', 3),
  prefixed('atlassian-api-token', 'Atlassian (Jira, Confluence) API token (ATATT3…)', 'ATATT3', '[A-Za-z0-9_=-]{150,260}'),
  prefixed('linear-api-key', 'Linear API key (lin_api_…)', 'lin_api_', '[A-Za-z0-9]{40}'),
];
