// Source hosting and work tracking: GitHub, GitLab, Bitbucket/Atlassian, Azure DevOps, Gitea,
// Linear and other trackers. Shapes follow the providers' documentation of their token formats.
import type { DetectorSpec } from '../types';
import { END, START, assignment } from './fragments';
import { named, run, token } from './make';

/** GitHub's 2021 formats: prefix, 30 random base62 chars and a 6-char base62 CRC32 of them. */
function github(id: string, description: string, prefix: string): DetectorSpec {
  return token(id, description, [prefix, run('alnum', 36)], { checksum: 'crc32-base62', fps: [`${prefix}${'x'.repeat(36)}`, `${prefix}0123456789abcdefghijABCDEFGHIJ012345`] });
}

/** GitLab tokens: `gl…-` prefix and a url-safe body (20 chars, longer in newer routable tokens). */
function gitlab(id: string, description: string, prefix: string, min = 20, max = 80): DetectorSpec {
  return token(id, description, [prefix, run('url', min, max)], {
    pattern: new RegExp(`${START}${prefix.replace(/[.-]/g, '\\$&')}[A-Za-z0-9_.-]{${min},${max}}${END}`),
    minEntropy: 3.3,
    fps: [`${prefix}<your-token-here>`, `const prefix = "${prefix}";`],
  });
}

export const VCS_DETECTORS: DetectorSpec[] = [
  github('github-pat-classic', 'GitHub personal access token, classic (ghp_…, CRC32-checked)', 'ghp_'),
  token('github-pat-fine-grained', 'GitHub fine-grained personal access token (github_pat_<22>_<59>)', ['github_pat_', run('alnum', 22), '_', run('alnum', 59)], { fps: ['github_pat_11AAAAAAAAAAAAAAAAAAAAAA_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'] }),
  github('github-oauth-token', 'GitHub OAuth access token (gho_…, CRC32-checked)', 'gho_'),
  github('github-user-to-server-token', 'GitHub App user-to-server token (ghu_…, CRC32-checked)', 'ghu_'),
  github('github-app-installation-token', 'GitHub App installation (server-to-server) token (ghs_…, CRC32-checked)', 'ghs_'),
  github('github-refresh-token', 'GitHub App refresh token (ghr_…, CRC32-checked)', 'ghr_'),
  named('github-legacy-token', 'GitHub legacy 40-hex OAuth/personal token assigned to a GitHub token name', ['github', 'gh_token', 'gh_enterprise'], [run('hex', 40)], 'GITHUB_TOKEN', { after: '(?![A-Za-z0-9])', minEntropy: 3.2 }),
  gitlab('gitlab-pat', 'GitLab personal, project or group access token (glpat-…)', 'glpat-'),
  {
    id: 'gitlab-runner-token',
    description: 'GitLab runner authentication token (glrt-…) or legacy registration token (GR1348941…)',
    keywords: ['glrt-', 'gr1348941'],
    pattern: new RegExp(`${START}(?:glrt-|GR1348941)[A-Za-z0-9_.-]{20,80}${END}`),
    shape: ['glrt-', run('url', 26)],
    minEntropy: 3.5,
    priority: 20,
  },
  gitlab('gitlab-deploy-token', 'GitLab deploy token (gldt-…)', 'gldt-'),
  gitlab('gitlab-pipeline-trigger-token', 'GitLab pipeline trigger token (glptt-…)', 'glptt-', 20, 64),
  {
    ...gitlab('gitlab-cicd-job-token', 'GitLab CI/CD job token (glcbt-…, optionally with a partition prefix)', 'glcbt-'),
    pattern: new RegExp(`${START}glcbt-(?:[0-9a-fA-F]{1,5}_)?[A-Za-z0-9_-]{20,80}${END}`),
    shape: ['glcbt-', run('hex', 2), '_', run('alnum', 20)],
  },
  gitlab('gitlab-feature-flag-client-token', 'GitLab feature-flags client token (glffct-…)', 'glffct-'),
  gitlab('gitlab-feed-token', 'GitLab feed token (glft-…)', 'glft-'),
  gitlab('gitlab-incoming-mail-token', 'GitLab incoming email token (glimt-…)', 'glimt-', 25),
  gitlab('gitlab-kubernetes-agent-token', 'GitLab agent for Kubernetes token (glagent-…)', 'glagent-', 50, 100),
  gitlab('gitlab-oauth-app-secret', 'GitLab OAuth application secret (gloas-…)', 'gloas-', 64, 100),
  gitlab('gitlab-scim-token', 'GitLab SCIM OAuth access token (glsoat-…)', 'glsoat-'),
  token('gitlab-session-cookie', 'GitLab session cookie (_gitlab_session=…)', ['_gitlab_session=', run('hex', 32)], { before: '', after: '(?![A-Za-z0-9])', secretGroup: 0 }),
  token('atlassian-api-token', 'Atlassian (Jira, Confluence) API token (ATATT3…)', ['ATATT3', run('url', 180, 260)], {
    pattern: new RegExp(`${START}ATATT3[A-Za-z0-9_=-]{150,260}${END}`),
    minEntropy: 3.5,
  }),
  token('atlassian-admin-api-key', 'Atlassian organization admin API key (ATCTT3…)', ['ATCTT3', run('url', 180, 260)], {
    pattern: new RegExp(`${START}ATCTT3[A-Za-z0-9_=-]{150,260}${END}`),
    minEntropy: 3.5,
  }),
  token('bitbucket-app-password', 'Bitbucket app password / API token (ATBB…)', ['ATBB', run('alnum', 32)], { pattern: new RegExp(`${START}ATBB[A-Za-z0-9_=.-]{28,40}${END}`), minEntropy: 3.5 }),
  named('atlassian-legacy-api-token', 'Atlassian legacy 24-char API token assigned to a Jira/Confluence/Atlassian name', ['jira', 'confluence', 'atlassian'], [run('alnum', 24)], 'JIRA_API_TOKEN', { minEntropy: 3.4 }),
  token('azure-devops-pat', 'Azure DevOps personal access token, 84-char identifiable format (…AZDO…)', [run('alnum', 52), 'JQQJ99', run('alnum', 18), 'AZDO', run('alnum', 4)], {
    keywords: ['azdo'],
    anchor: 'window',
    window: { before: 76, after: 4 },
    pattern: /(?<![A-Za-z0-9])[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4}(?![A-Za-z0-9])/,
    minEntropy: 4,
  }),
  named('azure-devops-legacy-pat', 'Azure DevOps legacy 52-char PAT assigned to an ADO/VSTS/Azure DevOps name', ['azure_devops', 'azuredevops', 'azure-devops', 'ado_', 'vsts', 'system_accesstoken', 'azdo_'], [run('base32Lower', 52)], 'AZURE_DEVOPS_PAT', { after: '(?![A-Za-z0-9])' }),
  named('gitea-token', 'Gitea / Forgejo access token (40 hex) assigned to a Gitea name', ['gitea', 'forgejo'], [run('hex', 40)], 'GITEA_TOKEN', { after: '(?![A-Za-z0-9])' }),
  token('linear-api-key', 'Linear API key (lin_api_…)', ['lin_api_', run('alnum', 40)], { minEntropy: 3.5 }),
  token('linear-oauth-token', 'Linear OAuth access token (lin_oauth_…)', ['lin_oauth_', run('hex', 64)]),
  named('asana-pat', 'Asana personal access token (1/… or 2/<user id>/<app id>:<32 hex>) assigned to an Asana name', ['asana'], ['2/', run('digits', 16), '/', run('digits', 16), ':', run('hex', 32)], 'ASANA_PAT', {
    pattern: assignment('asana(?:[A-Za-z0-9_.-]{0,24}?(?:key|token|pat|secret))?', '[12]\\/[0-9]{10,20}(?:\\/[0-9]{10,20})?:[a-f0-9]{32}(?![A-Za-z0-9])'),
  }),
  token('clickup-api-token', 'ClickUp personal API token (pk_<user id>_<32>)', ['pk_', run('digits', 8), '_', run('upperNum', 32)], { pattern: new RegExp(`${START}pk_[0-9]{5,12}_[A-Z0-9]{32}${END}`) }),
  token('airtable-pat', 'Airtable personal access token (pat<14>.<64 hex>)', ['pat', run('alnum', 14), '.', run('hex', 64)]),
  token('figma-pat', 'Figma personal access token (figd_…)', ['figd_', run('url', 40)], { pattern: new RegExp(`${START}figd_[A-Za-z0-9_-]{40,50}${END}`) }),
  named('trello-api-token', 'Trello API token (64 hex) assigned to a Trello name', ['trello'], [run('hex', 64)], 'TRELLO_TOKEN', { after: '(?![A-Za-z0-9])' }),
  token('sourcegraph-token', 'Sourcegraph access token (sgp_…)', ['sgp_', run('hex', 40)], { pattern: new RegExp(`${START}sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}${END}`) }),
  token('sonarqube-token', 'SonarQube / SonarCloud user, project or analysis token (squ_/sqp_/sqa_)', ['squ_', run('hex', 40)], { keywords: ['squ_', 'sqp_', 'sqa_'], pattern: new RegExp(`${START}sq[upa]_[a-f0-9]{40}${END}`) }),
  {
    id: 'gitlab-ci-job-token-assignment',
    description: 'GitLab CI job or registry token value assigned to CI_JOB_TOKEN / CI_REGISTRY_PASSWORD',
    keywords: ['ci_job_token', 'ci_registry_password'],
    pattern: assignment('ci_(?:job_token|registry_password)', `[A-Za-z0-9_-]{20,80}${END}`),
    secretGroup: 1,
    shape: [run('url', 24)],
    sampleContext: 'CI_JOB_TOKEN',
    minEntropy: 3.8,
    priority: 15,
  },
];
